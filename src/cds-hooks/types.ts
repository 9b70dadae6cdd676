/**
 * CDS Hooks 2.0.1 wire types (service side). Optional members are omitted, never null (spec "Use of JSON").
 * @see https://cds-hooks.hl7.org/2.0/
 */
import type { Bundle, FhirResource } from 'fhir/r4';

/** The hooks this service answers. @see https://cds-hooks.org/hooks/ */
export type HookName = 'patient-view' | 'order-select' | 'order-sign';

/** A Coding as CDS Hooks defines it (§ Coding). */
export interface CdsCoding {
  readonly code: string;
  readonly system: string;
  readonly display?: string;
}

/** fhirAuthorization of a request (§ FHIR Resource Access). */
export interface FhirAuthorization {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly subject: string;
  readonly patient?: string;
}

/** A hook request after schema validation (§ HTTP Request). */
export interface CdsRequest {
  readonly hook: HookName;
  readonly hookInstance: string;
  readonly fhirServer?: string;
  readonly fhirAuthorization?: FhirAuthorization;
  readonly context: HookContext;
  readonly prefetch?: Readonly<Record<string, FhirResource | null>>;
  readonly extension?: Readonly<Record<string, unknown>>;
}

/** The union of the contexts of the three hooks (CDS Hooks Library 1.0.1). */
export interface HookContext {
  readonly userId: string;
  readonly patientId: string;
  readonly encounterId?: string;
  readonly selections?: readonly string[];
  readonly draftOrders?: Bundle | { readonly resourceType: 'Bundle'; readonly entry?: readonly unknown[] };
  readonly [key: string]: unknown;
}

/** A card action (§ Action). */
export interface CdsAction {
  readonly type: 'create' | 'update' | 'delete';
  readonly description: string;
  readonly resource?: FhirResource;
  readonly resourceId?: string;
}

/** A card suggestion (§ Suggestion). */
export interface CdsSuggestion {
  readonly label: string;
  readonly uuid: string;
  readonly isRecommended?: boolean;
  readonly actions?: readonly CdsAction[];
}

/** A card link (§ Link). */
export interface CdsLink {
  readonly label: string;
  readonly url: string;
  readonly type: 'absolute' | 'smart';
  readonly appContext?: string;
}

/** A card (§ Card Attributes). */
export interface CdsCard {
  readonly uuid: string;
  readonly summary: string;
  readonly detail?: string;
  readonly indicator: 'info' | 'warning' | 'critical';
  readonly source: { readonly label: string; readonly url?: string; readonly icon?: string; readonly topic?: CdsCoding };
  readonly suggestions?: readonly CdsSuggestion[];
  readonly selectionBehavior?: 'at-most-one' | 'any';
  readonly overrideReasons?: readonly CdsCoding[];
  readonly links?: readonly CdsLink[];
  readonly extension?: Readonly<Record<string, unknown>>;
}

/** A hook response (§ HTTP Response). */
export interface CdsResponse {
  readonly cards: readonly CdsCard[];
  readonly systemActions?: readonly CdsAction[];
  readonly extension?: Readonly<Record<string, unknown>>;
}

/** One discovery entry (§ Discovery). */
export interface CdsServiceDescriptor {
  readonly hook: HookName;
  readonly id: string;
  readonly title?: string;
  readonly description: string;
  readonly prefetch?: Readonly<Record<string, string>>;
  readonly usageRequirements?: string;
}
