import type { Language } from '../pipeline/engine';
import type { LocalizedText } from './types';

/** The languages every knowledge-base text must be written in. */
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/** Picks the text of one language. */
export function pick(text: LocalizedText, language: Language): string {
  return text[language];
}
