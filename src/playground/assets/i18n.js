/** The playground's own interface text in both card languages (cards themselves come translated from the service). */
(function (root) {
  'use strict';
  var TEXT = {
    en: {
      title: 'hcc-cds playground',
      inputHeading: 'Request',
      service: 'Service',
      patient: 'Scenario patient',
      choosePatient: '— choose a scenario —',
      paste: 'FHIR Bundle or CDS Hooks request (JSON)',
      token: 'Bearer token (JWT signed by a trusted issuer)',
      send: 'Call the service',
      cardsHeading: 'Decision support',
      rawRequest: 'Raw request',
      rawResponse: 'Raw response',
      modeDev: 'development: requests signed with a throw-away key',
      modeProd: 'production: paste a bearer token',
      noCards: 'The service returned no cards for this patient.',
      facts: 'Facts used',
      fact: 'Fact', value: 'Value', effective: 'Date', sourcesCol: 'Source',
      derived: 'derived', unknownFact: 'unknown',
      evidence: 'Evidence',
      machineReadable: 'Machine-readable extension (org.hcc-cds): evidence and facts',
      evidenceLevel: 'level', strength: 'strength',
      notStated: 'not stated in the available source',
      wording: 'wording',
      suggestions: 'Suggestions',
      wouldCreate: 'This suggestion would',
      links: 'Links',
      smartDisabled: 'SMART link (needs a SMART-enabled EHR)',
      source: 'Source',
      interpretation: 'interpretation',
      dismiss: 'Dismiss',
      overrideReason: 'Reason',
      notEvaluable: 'Could not be evaluated',
      missing: 'missing',
      dataIssues: 'Data issues',
      sending: 'Calling the service…',
      done: 'HTTP {status} in {ms} ms: {n} card(s)',
      failed: 'HTTP {status}: {message}',
      badJson: 'The input is not valid JSON: {message}',
      notInput: 'Paste a FHIR Bundle (resourceType Bundle) or a CDS Hooks request (hook, hookInstance, context).',
      hookMismatch: 'The request is for {hook}, but the chosen service answers {serviceHook}.',
      feedbackSent: 'Feedback recorded ({outcome}).',
      feedbackFailed: 'Feedback not recorded: HTTP {status}',
      shifted: 'Dates shifted by {days} days so that the vignette\u2019s moment is today.',
      recommendedMark: 'recommended',
      kb: 'Knowledge base'
    },
    'zh-CN': {
      title: 'hcc-cds 体验页',
      inputHeading: '请求',
      service: '服务',
      patient: '示例患者',
      choosePatient: '— 选择一个示例 —',
      paste: 'FHIR Bundle 或 CDS Hooks 请求（JSON）',
      token: 'Bearer 令牌（受信任签发方签名的 JWT）',
      send: '调用服务',
      cardsHeading: '决策支持',
      rawRequest: '原始请求',
      rawResponse: '原始响应',
      modeDev: '开发模式：请求使用临时密钥签名',
      modeProd: '生产模式：请粘贴 Bearer 令牌',
      noCards: '服务未对该患者返回卡片。',
      facts: '所用临床事实',
      fact: '事实', value: '值', effective: '日期', sourcesCol: '来源',
      derived: '推导', unknownFact: '未知',
      evidence: '证据',
      machineReadable: '机器可读扩展（org.hcc-cds）：证据与临床事实',
      evidenceLevel: '证据级别', strength: '推荐强度',
      notStated: '现有来源未说明',
      wording: '原文措辞',
      suggestions: '建议操作',
      wouldCreate: '该建议将会',
      links: '链接',
      smartDisabled: 'SMART 链接（需支持 SMART 的 EHR）',
      source: '来源',
      interpretation: '解读',
      dismiss: '忽略',
      overrideReason: '原因',
      notEvaluable: '无法评估',
      missing: '缺少',
      dataIssues: '数据问题',
      sending: '正在调用服务…',
      done: 'HTTP {status}，{ms} 毫秒：{n} 张卡片',
      failed: 'HTTP {status}：{message}',
      badJson: '输入不是有效的 JSON：{message}',
      notInput: '请粘贴 FHIR Bundle（resourceType 为 Bundle）或 CDS Hooks 请求（hook、hookInstance、context）。',
      hookMismatch: '该请求属于 {hook}，但所选服务响应 {serviceHook}。',
      feedbackSent: '反馈已记录（{outcome}）。',
      feedbackFailed: '反馈未记录：HTTP {status}',
      shifted: '日期已平移 {days} 天，使示例时刻为今天。',
      recommendedMark: '推荐',
      kb: '知识库'
    }
  };

  /** Returns the text for key in lang with {name} placeholders filled. */
  function t(lang, key, values) {
    var table = TEXT[lang] || TEXT.en;
    var text = table[key] !== undefined ? table[key] : TEXT.en[key] !== undefined ? TEXT.en[key] : key;
    return String(text).replace(/\{(\w+)\}/g, function (m, name) {
      return values && values[name] !== undefined ? String(values[name]) : m;
    });
  }

  root.HccI18n = { t: t, languages: Object.keys(TEXT) };
})(self);
