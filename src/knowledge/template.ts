/**
 * Text templates with `{{name}}` placeholders and `{{#name}}…{{/name}}` sections (shown only when the caller
 * says so, e.g. when the fact is known and not zero), parsed once at load time into literal, slot and section
 * segments.
 */

/** One parsed piece of a template. */
export type Segment = { readonly text: string } | { readonly slot: string } | { readonly section: string; readonly segments: readonly Segment[] };

/** A parsed template. */
export interface Template {
  readonly segments: readonly Segment[];
  /** Every slot and section name, first occurrence order. */
  readonly slots: readonly string[];
}

const NAME = '([A-Za-z][A-Za-z0-9_.]*)';
const TOKEN = new RegExp(`\\{\\{\\s*([#/]?)\\s*${NAME}\\s*\\}\\}`, 'g');
const SLOT = new RegExp(`\\{\\{\\s*${NAME}\\s*\\}\\}`, 'g');
const SECTION_TOKEN = new RegExp(`\\{\\{\\s*[#/]\\s*${NAME}\\s*\\}\\}`, 'g');

/** Parses a template string (an unclosed or stray section marker is kept as literal text). */
export function parseTemplate(source: string): Template {
  const root: Segment[] = [];
  const stack: { name: string; segments: Segment[] }[] = [];
  const slots: string[] = [];
  const current = (): Segment[] => stack[stack.length - 1]?.segments ?? root;
  const addSlot = (name: string): void => {
    if (!slots.includes(name)) slots.push(name);
  };
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) current().push({ text: source.slice(last, index) });
    last = index + match[0].length;
    const kind = match[1] ?? '';
    const name = match[2] ?? '';
    if (kind === '#') {
      stack.push({ name, segments: [] });
      addSlot(name);
    } else if (kind === '/') {
      const open = stack[stack.length - 1];
      if (open === undefined || open.name !== name) {
        current().push({ text: match[0] });
        continue;
      }
      stack.pop();
      current().push({ section: open.name, segments: open.segments });
    } else {
      current().push({ slot: name });
      addSlot(name);
    }
  }
  if (last < source.length) current().push({ text: source.slice(last) });
  while (stack.length > 0) {
    const open = stack.pop() as { name: string; segments: Segment[] };
    current().push({ text: `{{#${open.name}}}` }, ...open.segments);
  }
  return { segments: root, slots };
}

function renderSegments(segments: readonly Segment[], resolve: (slot: string) => string, shows: (section: string) => boolean): string {
  let out = '';
  for (const segment of segments) {
    if ('text' in segment) out += segment.text;
    else if ('slot' in segment) out += resolve(segment.slot);
    else if (shows(segment.section)) out += renderSegments(segment.segments, resolve, shows);
  }
  return out;
}

/** Renders a template; `resolve` supplies each slot's text, `shows` decides each section (shown by default). */
export function renderTemplate(template: Template, resolve: (slot: string) => string, shows: (section: string) => boolean = () => true): string {
  return renderSegments(template.segments, resolve, shows);
}

/** True when a section is opened and not closed (or closed without being opened). */
function hasUnbalancedSection(source: string): boolean {
  const open: string[] = [];
  for (const match of source.matchAll(TOKEN)) {
    if (match[1] === '#') open.push(match[2] ?? '');
    else if (match[1] === '/' && open.pop() !== match[2]) return true;
  }
  return open.length > 0;
}

/** True when the string still contains `{{` or `}}` outside a valid placeholder or section (a malformed slot). */
export function hasMalformedSlot(source: string): boolean {
  return hasUnbalancedSection(source) || /\{\{|\}\}/.test(source.replace(SLOT, '').replace(SECTION_TOKEN, ''));
}

/** True when the string contains an angle-bracket placeholder such as `<stages from §4.2>`. */
export function hasAnglePlaceholder(source: string): boolean {
  return /<[^<>\n]*>/.test(source);
}
