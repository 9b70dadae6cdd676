/**
 * UCUM unit conversion (@lhncbc/ucum-lhc) with a cache of linear factors per (from, to, molar mass). Molar ↔ mass
 * conversion uses the molar mass given in the fact's mapping. International units ([IU]) are arbitrary in UCUM and
 * refused by ucum-lhc; converting between two [IU] units of the same analyte is a pure prefix change, done by
 * substituting the same base unit on both sides.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ucum = require('@lhncbc/ucum-lhc') as {
  UcumLhcUtils: {
    getInstance(): {
      validateUnitString(unit: string): { status: string };
      convertUnitTo(
        from: string,
        value: number,
        to: string,
        options?: { molecularWeight?: number },
      ): { status: string; toVal: number | null; msg: string[] };
    };
  };
};

const utils = ucum.UcumLhcUtils.getInstance();

/** True when the string is a valid UCUM unit expression. */
export function isValidUcum(unit: string): boolean {
  if (unit === '' || /\s/.test(unit)) return false; // UCUM has no blanks; spares ucum-lhc's console message
  try {
    return utils.validateUnitString(unit).status === 'valid';
  } catch {
    return false;
  }
}

/** Converts between units with a factor cache; returns undefined when the units cannot be converted. */
export class UnitConverter {
  /** to → molar mass (or -1) → from → factor (null = unconvertible); nested so a lookup builds no key string. */
  private readonly factors = new Map<string, Map<number, Map<string, number | null>>>();

  /** Converts value from `from` to `to`; undefined when unconvertible. */
  convert(value: number, from: string, to: string, molarMass?: number): number | undefined {
    if (from === to) return value;
    let byMass = this.factors.get(to);
    if (byMass === undefined) this.factors.set(to, (byMass = new Map()));
    const mass = molarMass ?? -1;
    let byFrom = byMass.get(mass);
    if (byFrom === undefined) byMass.set(mass, (byFrom = new Map()));
    let factor = byFrom.get(from);
    if (factor === undefined) {
      factor = this.computeFactor(from, to, molarMass);
      byFrom.set(from, factor);
    }
    return factor === null ? undefined : value * factor;
  }

  private computeFactor(from: string, to: string, molarMass?: number): number | null {
    if (/\s/.test(from) || /\s/.test(to)) return null; // UCUM has no blanks
    const arbitrary = /\[IU\]/;
    let [source, target] = [from, to];
    if (arbitrary.test(source) && arbitrary.test(target)) {
      source = source.replace(/\[IU\]/g, 'U');
      target = target.replace(/\[IU\]/g, 'U');
    }
    // Annotations ({INR}, {cells}) are unity in UCUM; two different annotations are not the same quantity.
    if (/^\{[^}]*\}$/.test(source) || /^\{[^}]*\}$/.test(target)) return source === target ? 1 : null;
    try {
      const options = molarMass === undefined ? {} : { molecularWeight: molarMass };
      const result = utils.convertUnitTo(source, 1, target, options);
      if (result.status !== 'succeeded' || typeof result.toVal !== 'number' || !Number.isFinite(result.toVal)) return null;
      // Check linearity (every clinical unit here is a ratio scale; a non-linear one such as Cel is refused).
      const check = utils.convertUnitTo(source, 10, target, options);
      if (check.status !== 'succeeded' || typeof check.toVal !== 'number') return null;
      if (Math.abs(check.toVal - 10 * result.toVal) > 1e-9 * Math.abs(check.toVal)) return null;
      return result.toVal;
    } catch {
      return null;
    }
  }
}
