/**
 * Display form of UCUM unit codes on cards: `umol/L` → μmol/L, `10*9/L` → ×10⁹/L, `[IU]/mL` → IU/mL. The
 * extension keeps the UCUM code; only human-read text uses this.
 * @see https://ucum.org/ucum (case-sensitive codes; `10*9` is 10⁹, `u` is the micro prefix, `[IU]` the international unit)
 */

const SUPERSCRIPT: Readonly<Record<string, string>> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };

/** The display form of a UCUM unit code (unknown codes are returned unchanged apart from these rewrites). */
export function displayUnit(ucum: string): string {
  if (ucum === '{INR}') return '';
  return ucum
    .replace(/^10\*(-?\d+)/, (_m, exp: string) => `×10${[...exp].map((c) => SUPERSCRIPT[c] ?? c).join('')}`)
    .replace(/\[(IU|iU)\]/g, 'IU')
    .replace(/(^|\/)u(mol|g|L|l)\b/g, '$1μ$2')
    .replace(/\{[^}]*\}/g, '');
}

/** "value unit" with the unit in display form (no space before %, nothing for unitless codes such as {INR}). */
export function withUnit(value: string, ucum: string | undefined): string {
  if (ucum === undefined) return value;
  const unit = displayUnit(ucum);
  if (unit === '') return value;
  return unit === '%' ? `${value}%` : `${value} ${unit}`;
}
