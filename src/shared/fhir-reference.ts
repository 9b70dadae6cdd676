/**
 * Reading FHIR references (FHIR R4 §2.3.0 "References": relative, absolute and version-specific forms), shared by
 * the HTTP gathering (src/fhir) and the mapping layer (src/mapping) so both agree on what belongs to a patient.
 */

/**
 * Whether the last two path segments before any `_history` segment of `ref` equal `target`
 * (`https://x/fhir/Patient/1/_history/2` → `Patient/1`), without splitting or building strings.
 */
export function isRelativeReferenceTo(ref: string, target: string): boolean {
  let end = ref.length;
  for (let from = 0; ; ) {
    const h = ref.indexOf('_history', from);
    if (h < 0) break;
    const after = h + 8;
    if ((h === 0 || ref.charCodeAt(h - 1) === 47) && (after === ref.length || ref.charCodeAt(after) === 47)) {
      end = h === 0 ? 0 : h - 1;
      break;
    }
    from = h + 1;
  }
  // Start of the second-to-last segment of ref[0, end).
  let start = 0;
  const last = end > 0 ? ref.lastIndexOf('/', end - 1) : -1;
  if (last > 0) start = ref.lastIndexOf('/', last - 1) + 1;
  return end - start === target.length && ref.startsWith(target, start);
}
