/** Load-time UCUM conversion of condition operands and parameters into a fact's canonical unit. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ucum = require('@lhncbc/ucum-lhc') as {
  UcumLhcUtils: { getInstance(): { convertUnitTo(from: string, value: number, to: string): { status: string; toVal: number | null } } };
};

/** Converts a number between UCUM units; undefined when the units are not convertible. */
export function convertUnit(value: number, from: string, to: string): number | undefined {
  if (from === to) return value;
  try {
    const result = ucum.UcumLhcUtils.getInstance().convertUnitTo(from, value, to);
    return result.status === 'succeeded' && typeof result.toVal === 'number' ? result.toVal : undefined;
  } catch {
    return undefined;
  }
}
