/**
 * The playground controller: loads discovery and the scenario patients, builds a hook request from a pasted
 * Bundle (server-side, with the service's own prefetch templates) or sends a pasted CDS Hooks request as
 * is, calls the service with Accept-Language and a bearer token (a development token from the server in
 * development mode, the user's token otherwise), and renders the answer.
 */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { lang: 'zh-CN', config: null, services: [], patients: [], lastRequest: null, lastService: null };

  function t(key, values) { return self.HccI18n.t(state.lang, key, values); }

  function setStatus(text, kind) {
    var node = $('status');
    node.textContent = text;
    node.className = 'status' + (kind ? ' status--' + kind : '');
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang === 'zh-CN' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(function (node) { node.textContent = t(node.getAttribute('data-i18n')); });
    document.querySelectorAll('.lang-switch button').forEach(function (b) {
      b.classList.toggle('active', b.getAttribute('data-lang') === state.lang);
      b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === state.lang));
    });
    if (state.config) $('mode').textContent = state.config.devTokens ? t('modeDev') : t('modeProd');
  }

  function absolute(path) { return location.origin + path; }

  /** The bearer token for a call to url: minted by the server in development, typed by the user otherwise. */
  async function bearerFor(url) {
    if (state.config && state.config.devTokens) {
      var res = await fetch('/playground/dev-token?aud=' + encodeURIComponent(url));
      if (!res.ok) throw new Error('dev token: HTTP ' + res.status);
      return (await res.json()).token;
    }
    var token = $('token').value.trim();
    return token === '' ? null : token;
  }

  async function call(method, path, body) {
    var url = absolute(path);
    var headers = { Accept: 'application/json', 'Accept-Language': state.lang === 'zh-CN' ? 'zh-CN,zh;q=0.9' : 'en' };
    var token = await bearerFor(url);
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    var started = performance.now();
    var res = await fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) });
    var text = await res.text();
    var json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    return { status: res.status, ok: res.ok, json: json, text: text, ms: Math.round(performance.now() - started) };
  }

  function problemMessage(result) {
    var issue = result.json && Array.isArray(result.json.issue) ? result.json.issue[0] : null;
    if (issue && issue.diagnostics) return issue.diagnostics;
    if (issue && issue.details && issue.details.text) return issue.details.text;
    return result.text.slice(0, 200);
  }

  function selectedService() {
    return state.services.find(function (s) { return s.id === $('service').value; }) || null;
  }

  function fillServices() {
    var select = $('service');
    select.textContent = '';
    state.services.forEach(function (service) {
      var option = document.createElement('option');
      option.value = service.id;
      option.textContent = (service.title || service.id) + ' (' + service.hook + ')';
      select.appendChild(option);
    });
    describeService();
  }

  function describeService() {
    var service = selectedService();
    $('service-description').textContent = service ? service.description : '';
  }

  function fillPatients() {
    var select = $('patient');
    state.patients.forEach(function (patient) {
      var option = document.createElement('option');
      option.value = patient.id;
      option.textContent = patient.title + ' · ' + patient.hook;
      select.appendChild(option);
    });
  }

  async function choosePatient() {
    var id = $('patient').value;
    $('patient-description').textContent = '';
    if (id === '') return;
    var res = await fetch('/playground/patients/' + encodeURIComponent(id));
    if (!res.ok) { setStatus(t('failed', { status: res.status, message: id }), 'error'); return; }
    var patient = await res.json();
    $('input').value = JSON.stringify(patient.input, null, 2);
    var note = patient.description || '';
    if (patient.shiftedDays) note += (note ? ' ' : '') + t('shifted', { days: patient.shiftedDays });
    $('patient-description').textContent = note;
    var match = state.services.find(function (s) { return s.hook === patient.hook; });
    if (match) { $('service').value = match.id; describeService(); }
  }

  async function buildRequest(service, input) {
    if (input && input.resourceType === 'Bundle') {
      var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      // Production: the request builder needs a trusted JWT too (its aud is this URL, so a token of its own).
      if (state.config && !state.config.devTokens) {
        var token = await bearerFor(absolute('/playground/requests'));
        if (token) headers.Authorization = 'Bearer ' + token;
      }
      var res = await fetch('/playground/requests', {
        method: 'POST',
        headers: headers,
        body: JSON.stringify({ hook: service.hook, bundle: input }),
      });
      var json = await res.json().catch(function () { return null; });
      if (!res.ok) throw new Error(t('failed', { status: res.status, message: problemMessage({ json: json, text: '' }) }));
      return json;
    }
    if (input && typeof input.hook === 'string' && input.context) {
      if (input.hook !== service.hook) throw new Error(t('hookMismatch', { hook: input.hook, serviceHook: service.hook }));
      return input;
    }
    throw new Error(t('notInput'));
  }

  async function send(reuseLast) {
    var service = reuseLast ? state.lastService : selectedService();
    if (!service) return;
    var request = reuseLast ? state.lastRequest : null;
    if (!request) {
      var input;
      try { input = JSON.parse($('input').value); } catch (e) { setStatus(t('badJson', { message: e.message }), 'error'); return; }
      try { request = await buildRequest(service, input); } catch (e) { setStatus(e.message, 'error'); return; }
    }
    state.lastRequest = request;
    state.lastService = service;
    $('raw-request').textContent = JSON.stringify(request, null, 2);
    setStatus(t('sending'), 'busy');
    var result;
    try {
      result = await call('POST', '/cds-services/' + encodeURIComponent(service.id), request);
    } catch (e) {
      setStatus(e.message, 'error');
      return;
    }
    $('raw-response').textContent = result.json ? JSON.stringify(result.json, null, 2) : result.text;
    if (!result.ok) {
      $('cards').textContent = '';
      setStatus(t('failed', { status: result.status, message: problemMessage(result) }), 'error');
      return;
    }
    var n = self.HccCards.renderCards($('cards'), result.json, t, { onAccept: accept, onOverride: override });
    self.HccCards.renderResponseExtension($('not-evaluable'), $('data-issues'), result.json, t);
    setStatus(t('done', { status: result.status, ms: result.ms, n: n }), 'ok');
    document.body.setAttribute('data-cards-rendered', String(n));
  }

  async function feedback(card, item) {
    var service = state.lastService;
    if (!service) return;
    var body = { feedback: [Object.assign({ card: card.uuid, outcomeTimestamp: new Date().toISOString() }, item)] };
    try {
      var result = await call('POST', '/cds-services/' + encodeURIComponent(service.id) + '/feedback', body);
      setStatus(result.ok ? t('feedbackSent', { outcome: item.outcome }) : t('feedbackFailed', { status: result.status }), result.ok ? 'ok' : 'error');
    } catch (e) {
      setStatus(e.message, 'error');
    }
  }

  function accept(card, suggestion) {
    return feedback(card, { outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }] });
  }

  function override(card, reason) {
    var item = { outcome: 'overridden' };
    if (reason) item.overrideReason = { reason: { code: reason.code, system: reason.system, display: reason.display } };
    var node = document.querySelector('[data-card-uuid="' + CSS.escape(card.uuid) + '"]');
    if (node) node.classList.add('dismissed');
    return feedback(card, item);
  }

  async function start() {
    document.querySelectorAll('.lang-switch button').forEach(function (button) {
      button.addEventListener('click', function () {
        state.lang = button.getAttribute('data-lang');
        applyLanguage();
        if (state.lastRequest) send(true);
      });
    });
    $('service').addEventListener('change', describeService);
    $('patient').addEventListener('change', function () { choosePatient(); });
    $('send').addEventListener('click', function () { send(false); });
    try {
      state.config = await (await fetch('/playground/config')).json();
      $('token-row').hidden = state.config.devTokens;
      applyLanguage();
      var discovery = await call('GET', '/cds-services');
      if (!discovery.ok) throw new Error(t('failed', { status: discovery.status, message: problemMessage(discovery) }));
      state.services = discovery.json.services || [];
      fillServices();
      state.patients = (await (await fetch('/playground/patients')).json()).patients || [];
      fillPatients();
      document.body.setAttribute('data-ready', 'true');
    } catch (e) {
      setStatus(e.message, 'error');
      document.body.setAttribute('data-ready', 'error');
    }
  }

  document.addEventListener('DOMContentLoaded', start);
})();
