/**
 * Writes the demo patients (examples/patients/*.json) that the playground and `hcc-cds demo-fhir` offer. Each is a
 * vignette-shaped file (title, description, hook, at, given: an inline FHIR R4 Bundle, draft orders for the order
 * hooks) whose clinical content is one of the test vignettes' (test/fixtures/scenarios/build-patient.js, required
 * here at generation time only; production never reads test/), made to look like a real chart: a Chinese name with
 * its pinyin (HumanName representation ABC / IDE, iso21090-EN-representation), gender and birth date, code.text on
 * every Condition and order, and resource ids unique across patients.
 * Usage: node examples/generate-patients.js
 */
'use strict';
const { mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { buildPatient, draftOrder } = require('../test/fixtures/scenarios/build-patient');

const OUT = join(__dirname, 'patients');
const AT = '2025-06-01T00:00:00Z';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const IIIA = { stage: 'IIIa', tumorCount: 1, maxDiameterCm: 7.2, vascular: 'portal-vein' };
const ON_TI = { ...IIIA, drugs: ['atezolizumab', 'bevacizumab'] };

/** What the chart shows for codes the fixtures carry without text (display names, zh-CN and en). */
const TEXT = {
  '109841003': '肝细胞癌 Hepatocellular carcinoma',
  atezolizumab: '阿替利珠单抗 atezolizumab',
  bevacizumab: '贝伐珠单抗 bevacizumab',
  tace: '经动脉化疗栓塞术 TACE (transarterial chemoembolisation)',
};

/** The demo patients: who they are, and the test vignette whose clinical record they carry. */
const PATIENTS = [
  {
    slug: 'zhang-wei', family: ['张', 'Zhang'], given: ['伟', 'Wei'], gender: 'male', birthDate: '1962-03-01',
    title: '张伟 Zhang Wei: CNLC IIIa with portal-vein tumour thrombus, Child-Pugh A, treatment-naive',
    description: 'Chart opened (patient-view): which combined targeted-immune plus local therapies the consensus offers a treatment-naive CNLC IIIa patient.',
    hook: 'patient-view', record: { tumorCount: 1, maxDiameterCm: 7.2, vascular: 'portal-vein', ecog: 1, childPugh: 'A', assert: { 'radical-therapy-unsuitable': true } },
  },
  {
    slug: 'li-xiuying', family: ['李', 'Li'], given: ['秀英', 'Xiuying'], gender: 'female', birthDate: '1958-11-23',
    title: '李秀英 Li Xiuying: on atezolizumab + bevacizumab after TACE',
    description: 'Chart opened (patient-view) during combination therapy after a TACE session: follow-up and monitoring guidance.',
    hook: 'patient-view', record: { ...ON_TI, procedures: [['tace', '2025-02-01']] },
  },
  {
    slug: 'chen-jing', family: ['陈', 'Chen'], given: ['静', 'Jing'], gender: 'female', birthDate: '1965-07-14',
    title: '陈静 Chen Jing: downsized on targeted-immune therapy (2 tumours, largest 3.5 cm, thrombus gone)',
    description: 'Chart opened (patient-view) after successful conversion therapy (partial response, no extrahepatic disease): ablation becomes an option.',
    hook: 'patient-view', record: { ...ON_TI, tumorCount: 2, maxDiameterCm: 3.5, vascular: 'none', responses: [['PR', '2025-05-10']] },
  },
  {
    slug: 'zhao-lei', family: ['赵', 'Zhao'], given: ['磊', 'Lei'], gender: 'male', birthDate: '1960-01-30',
    title: '赵磊 Zhao Lei: ALT grade 3 on atezolizumab, other causes excluded, 62 kg',
    description: 'Chart opened (patient-view) with immune-mediated hepatitis: management with the steroid dose computed from body weight.',
    // issue 9: the exclusions count only when recorded on or after the liver tests (2025-05-25) that show the injury
    hook: 'patient-view', record: { ...ON_TI, labs: { alt: 250 }, responses: [['SD', '2025-05-27']], weightKg: 62, assert: { 'obstructive-jaundice': false, 'viral-hepatitis-active': false }, assertOn: { 'obstructive-jaundice': '2025-05-27', 'viral-hepatitis-active': '2025-05-27' } },
  },
  {
    slug: 'wang-fang', family: ['王', 'Wang'], given: ['芳', 'Fang'], gender: 'female', birthDate: '1968-09-12',
    title: '王芳 Wang Fang: atezolizumab drafted while ALT is grade 3',
    description: 'Order selected (order-select): atezolizumab drafted for a treatment-naive CNLC IIIa patient whose ALT is 250 U/L.',
    hook: 'order-select', drafts: ['atezolizumab'], record: { tumorCount: 1, maxDiameterCm: 7.2, vascular: 'portal-vein', ecog: 1, childPugh: 'A', labs: { alt: 250 } },
  },
  {
    slug: 'liu-yang', family: ['刘', 'Liu'], given: ['洋', 'Yang'], gender: 'male', birthDate: '1971-04-05',
    title: '刘洋 Liu Yang: bevacizumab re-ordered during grade 3 bevacizumab-related hypertension',
    description: 'Order selected (order-select): bevacizumab drafted while a grade 3 hypertension attributed to bevacizumab is ongoing (severe targeted-drug AE: stop the drug).',
    hook: 'order-select', drafts: ['bevacizumab'], record: { ...ON_TI, adverseEvents: [{ grade: 3, suspect: 'MedicationRequest/bevacizumab', text: 'hypertension 高血压' }] },
  },
];

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Prefixes every resource id (and the references to them) so the patients can share one FHIR server. */
function prefixIds(resources, prefix, keep) {
  const keys = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  const walk = (node, key) => {
    if (typeof node === 'string') {
      if (key === 'reference' && keys.has(node)) {
        const [type, id] = node.split('/');
        return id === keep ? node : `${type}/${prefix}${id}`;
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((n) => walk(n, key));
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    return node;
  };
  return resources.map((r) => ({ ...walk(r), id: r.id === keep ? r.id : `${prefix}${r.id}` }));
}

/** Adds the display text a chart shows (the sandbox's banner and Rx View "Treating" list read these). */
function decorate(resource, p) {
  if (resource.resourceType === 'Patient') {
    return {
      ...resource,
      // The pinyin first: the CDS Hooks sandbox shows name[0] as "given family" (Western order), which reads
      // right for pinyin ("Wei Zhang") and wrong for characters; the characters follow as the ideographic form.
      name: [
        { extension: [{ url: REPRESENTATION, valueCode: 'ABC' }], use: 'official', text: `${p.family[1]} ${p.given[1]}`, family: p.family[1], given: [p.given[1]] },
        { extension: [{ url: REPRESENTATION, valueCode: 'IDE' }], use: 'official', text: `${p.family[0]}${p.given[0]}`, family: p.family[0], given: [p.given[0]] },
      ],
      gender: p.gender,
      birthDate: p.birthDate,
    };
  }
  const concept = resource.resourceType === 'MedicationRequest' ? 'medicationCodeableConcept' : resource.resourceType === 'Condition' || resource.resourceType === 'ServiceRequest' ? 'code' : undefined;
  if (concept === undefined || !isObject(resource[concept])) return resource;
  const coding = (resource[concept].coding ?? [])[0] ?? {};
  const text = TEXT[coding.code] ?? TEXT[coding.display] ?? coding.display;
  if (text === undefined) throw new Error(`${resource.resourceType}/${resource.id}: no display text for ${coding.system}|${coding.code}`);
  return { ...resource, [concept]: { ...resource[concept], text } };
}

function writePatient(p) {
  const pid = `demo-${p.slug}`;
  const bundle = buildPatient({ ...p.record, id: pid, gender: p.gender });
  const all = prefixIds([...bundle.entry.map((e) => e.resource), ...(p.drafts ?? []).map((kind) => draftOrder(pid, kind))], `${p.slug}-`, pid).map((r) => decorate(r, p));
  const record = all.slice(0, bundle.entry.length);
  const orders = all.slice(bundle.entry.length);
  const doc = {
    title: p.title,
    description: p.description,
    hook: p.hook,
    at: AT,
    language: 'zh-CN',
    given: { resourceType: 'Bundle', type: 'collection', entry: record.map((resource) => ({ fullUrl: `urn:uuid:${resource.resourceType}-${resource.id}`, resource })) },
    ...(orders.length > 0 ? { draftOrders: orders, selections: orders.map((o) => `${o.resourceType}/${o.id}`) } : {}),
  };
  writeFileSync(join(OUT, `${p.slug}.json`), `${JSON.stringify(doc, null, 2)}\n`);
}

mkdirSync(OUT, { recursive: true });
for (const name of readdirSync(OUT)) if (name.endsWith('.json')) rmSync(join(OUT, name));
PATIENTS.forEach(writePatient);
console.log(`wrote ${PATIENTS.length} demo patients to examples/patients/`);
