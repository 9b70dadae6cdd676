/**
 * Shapes of the knowledge base as read from cds-services/knowledge/ (validated by the JSON Schemas in
 * cds-services/schemas/) and of the results of evaluating it. Clinical content lives only in the YAML.
 */
import type { Language } from '../pipeline/engine';

/** A text in every supported language. */
export type LocalizedText = Readonly<Record<Language, string>>;

/** The operators a condition leaf may use. */
export type OperatorName =
  | 'equals'
  | 'in'
  | 'notIn'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'isTrue'
  | 'isFalse'
  | 'known'
  | 'between';

/** A condition leaf: one fact compared with a literal value or a named parameter. */
export interface ConditionLeaf {
  readonly fact: string;
  readonly op: OperatorName;
  readonly value?: unknown;
  readonly param?: string;
  readonly unit?: string;
  /** Codes that make the leaf Unknown rather than false (e.g. a thrombus recorded without its vessel). */
  readonly unknownFor?: readonly string[];
}

/** A condition tree: all / any / not over leaves. */
export type ConditionNode =
  | { readonly all: readonly ConditionNode[] }
  | { readonly any: readonly ConditionNode[] }
  | { readonly not: ConditionNode }
  | ConditionLeaf;

/** Card indicators, least to most urgent. */
export type Indicator = 'info' | 'warning' | 'critical';

/** A reference from a recommendation to a suggestion template, optionally conditional. */
export interface SuggestionRef {
  readonly use: string;
  readonly when?: ConditionNode;
}

/** What every card template carries: indicator, texts and suggestions (CDS Hooks § Card). */
export interface CardText {
  readonly indicator: Indicator;
  readonly summary: LocalizedText;
  readonly detail: LocalizedText;
  readonly selectionBehavior?: 'at-most-one' | 'any';
  readonly suggestions?: readonly SuggestionRef[];
}

/** The card part of a recommendation (patient-view). */
export interface CardSpec extends CardText {
  readonly indicatorRules?: readonly { readonly when: ConditionNode; readonly indicator: Indicator }[];
}

/** A safety rule checked against a selected draft order (order-select / order-sign). */
export interface OrderCheck extends CardText {
  readonly id: string;
  readonly orderClasses: readonly string[];
  readonly when: ConditionNode;
  readonly requiredFacts?: readonly string[];
}

/** One recommendation file. */
export interface Recommendation {
  readonly id: string;
  readonly version: number;
  readonly status: 'draft' | 'approved' | 'retired';
  readonly topic: string;
  readonly rules?: readonly string[];
  readonly title: LocalizedText;
  readonly statement: LocalizedText;
  readonly source: { readonly section: string; readonly attribution: string };
  readonly evidence: { readonly level: string | null; readonly strength: string | null; readonly note: LocalizedText };
  readonly wordingStrength: string;
  readonly hooks: readonly ('patient-view' | 'order-select' | 'order-sign')[];
  readonly when?: ConditionNode;
  readonly exclusions?: ConditionNode;
  readonly requiredFacts?: readonly string[];
  /** Recommendations whose card, when it fires, already asks for what this one lacks (no data-gap entry then). */
  readonly dataGapCoveredBy?: readonly string[];
  readonly interpretationNotes?: readonly LocalizedText[];
  readonly card?: CardSpec;
  readonly orderChecks?: readonly OrderCheck[];
  readonly review: { readonly status: 'draft' | 'approved'; readonly approvedBy: readonly string[]; readonly approvedOn?: string };
}

/** A configurable cut-off of kb.yaml. */
export interface ParameterSpec {
  readonly type: 'integer' | 'number' | 'quantity' | 'boolean' | 'codes';
  readonly default: unknown;
  readonly unit?: string;
  readonly mappingOption?: string;
  readonly source: string;
  readonly note: LocalizedText;
  /** Where the default comes from; absent means a local default (cards mark every non-consensus value). */
  readonly origin?: 'consensus' | 'local-default' | 'other-source';
  /** The named source when `origin` is other-source. */
  readonly originSource?: LocalizedText;
}

/** A decision topic: patient-view shows one card per topic. */
export interface Topic {
  readonly id: string;
  readonly title: LocalizedText;
}

/** A suggestion template of suggestions.yaml. */
export interface SuggestionTemplate {
  readonly label: LocalizedText;
  readonly dosePerKg?: { readonly low: number; readonly high: number; readonly text: LocalizedText; readonly withWeight: LocalizedText; readonly source?: LocalizedText };
  readonly actions?: readonly { readonly type: 'create'; readonly description: LocalizedText; readonly resource: Readonly<Record<string, unknown>> }[];
  readonly holdActive?: { readonly classes: readonly string[]; readonly description: LocalizedText };
  readonly deleteDraft?: { readonly description: LocalizedText };
}

/** kb.yaml. */
export interface KnowledgeBaseManifest {
  readonly id: string;
  readonly version: string;
  readonly status: 'draft' | 'approved' | 'retired';
  readonly title: LocalizedText;
  readonly source: { readonly label: LocalizedText; readonly url: string; readonly doi: string; readonly citation: LocalizedText; readonly note: LocalizedText };
  readonly attributions: Readonly<Record<string, LocalizedText>>;
  readonly grading: {
    readonly levels: readonly { readonly code: string; readonly label?: LocalizedText }[];
    readonly strengths: readonly { readonly code: string; readonly label?: LocalizedText }[];
    readonly reportedBy: LocalizedText;
    readonly note: LocalizedText;
    readonly notStated: LocalizedText;
  };
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly weightFact?: string;
  readonly scope: ConditionNode;
  readonly topics: readonly Topic[];
  readonly dataRequests: Readonly<Record<string, string>>;
  readonly overrideReasons: { readonly system: string; readonly codes: readonly { readonly code: string; readonly display: LocalizedText }[] };
  readonly texts: Readonly<Record<KbTextKey, LocalizedText>>;
  /** Facts that define a population wherever a recommendation reads them (data-gap cards never ask for them). */
  readonly gatingFacts?: readonly string[];
  /** Display labels of machine codes (portal-vein, full-dose…). */
  readonly valueLabels?: Readonly<Record<string, LocalizedText>>;
}

/** The keys of kb.yaml `texts`. */
export type KbTextKey =
  | 'factsHeading'
  | 'factColumn'
  | 'valueColumn'
  | 'dateColumn'
  | 'sourceColumn'
  | 'derivedFrom'
  | 'unknownValue'
  | 'notEvaluableHeading'
  | 'needs'
  | 'sourceLink'
  | 'attribution'
  | 'wording'
  | 'orderHeading'
  | 'orderNotEvaluableSummary'
  | 'yes'
  | 'no'
  | 'cardWhy'
  | 'cardProvenance'
  | 'sectionCite'
  | 'localDefault'
  | 'notConsensus'
  | 'localDefaultsHeading'
  | 'defaultUln'
  | 'moreRecommendationsOne'
  | 'moreRecommendationsOther'
  | 'dataGapSummaryOne'
  | 'dataGapSummaryOther'
  | 'dataGapHeading'
  | 'dataGapUnlocksOne'
  | 'dataGapUnlocksOther'
  | 'gapAbsent'
  | 'gapOutsideLookback'
  | 'gapStale'
  | 'gapUnit'
  | 'gapUnreadable'
  | 'gapConflicting'
  | 'gapIncomplete'
  | 'gapLastResult';

/** The whole knowledge base, validated and frozen. */
export interface KnowledgeBase {
  readonly dir: string;
  readonly manifest: KnowledgeBaseManifest;
  readonly recommendations: readonly Recommendation[];
  readonly suggestions: Readonly<Record<string, SuggestionTemplate>>;
  readonly factLabels: Readonly<Record<string, LocalizedText>>;
}

/** Three-valued truth. */
export type Truth = true | false | 'unknown';

/** The trace of one evaluated condition node. */
export interface TraceNode {
  readonly kind: 'all' | 'any' | 'not' | 'leaf';
  readonly result: Truth;
  readonly children?: readonly TraceNode[];
  readonly fact?: string;
  readonly op?: OperatorName;
  readonly operand?: unknown;
  readonly actual?: unknown;
  /** Why a leaf is Unknown (the fact's reason) when it is. */
  readonly reason?: string;
}

/** How one recommendation (or one order check against one draft) came out. */
export interface Outcome {
  readonly recommendationId: string;
  readonly checkId?: string;
  readonly draftReference?: string;
  readonly status: 'fires' | 'notApplicable' | 'notEvaluable';
  readonly missingFacts: readonly string[];
  readonly trace?: TraceNode;
  readonly exclusionTrace?: TraceNode;
  readonly scopeTrace?: TraceNode;
  /** Why it does not apply, when it does not: out of scope, conditions false, or excluded. */
  readonly because?: 'outOfScope' | 'conditionsFalse' | 'excluded' | 'noMatchingDraft' | 'hookNotCovered';
}
