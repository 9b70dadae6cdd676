/**
 * Schema version 1: the card log (with the caller each card was served to), its recommendations, feedback (the
 * tables of the SQLite store, timestamps as timestamptz) and the shared JWT replay store (one row per accepted
 * (issuer, jti) until its token expires).
 */
import type { Migration } from './migration';

/** Migration 1. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE card_log (
  card_uuid text PRIMARY KEY,
  service_id text NOT NULL,
  hook_instance text NOT NULL,
  kb_version text NOT NULL,
  served_at timestamptz NOT NULL,
  issuer text,
  tenant text NOT NULL DEFAULT ''
);
CREATE INDEX card_log_caller ON card_log (service_id, issuer, tenant, served_at);
CREATE TABLE card_recommendation (
  card_uuid text NOT NULL REFERENCES card_log (card_uuid) ON DELETE CASCADE,
  recommendation_id text NOT NULL,
  PRIMARY KEY (card_uuid, recommendation_id)
);
CREATE TABLE feedback (
  id bigserial PRIMARY KEY,
  service_id text NOT NULL,
  card_uuid text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
  outcome_timestamp text NOT NULL,
  suggestion_id text NOT NULL DEFAULT '',
  override_code text,
  override_system text,
  override_display text,
  user_comment text,
  client_iss text,
  client_tenant text NOT NULL DEFAULT '',
  received_at timestamptz NOT NULL,
  UNIQUE (card_uuid, outcome, outcome_timestamp, suggestion_id)
);
CREATE INDEX feedback_card ON feedback (card_uuid);
CREATE TABLE jti_replay (
  iss text NOT NULL,
  jti text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX jti_replay_expiry ON jti_replay (expires_at);
`,
};
