import type { LanguagePolicy } from '../config';
import type { Language } from '../pipeline/engine';

/** The card language for an Accept-Language header (zh* → zh-CN, en* → en, by q-value), else the configured default. */
export function languageFrom(acceptLanguage: string | undefined, fallback: Language): Language {
  if (acceptLanguage === undefined) return fallback;
  let best: { language: Language; q: number } | undefined;
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const language: Language | undefined = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en' : undefined;
    if (language !== undefined && (best === undefined || q > best.q)) best = { language, q };
  }
  return best?.language ?? fallback;
}

/** The card language of one call: the configured one under the "configured" policy, else the request's first (README § Configuration). */
export function cardLanguage(acceptLanguage: string | undefined, configured: Language, policy: LanguagePolicy): Language {
  return policy === 'configured' ? configured : languageFrom(acceptLanguage, configured);
}
