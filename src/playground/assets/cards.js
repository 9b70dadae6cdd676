/**
 * Renders a CDS Hooks response the way an EHR shows it (CDS Hooks 2.0.1 § Card Attributes): cards sorted
 * critical first, summary coloured by indicator, detail through the sanitising markdown renderer, the facts
 * and evidence from extension["org.hcc-cds"], suggestions as buttons revealing the resources they would
 * create, links, source and override reasons. Text always goes in through textContent, never as HTML.
 */
(function (root) {
  'use strict';
  var OWN = 'org.hcc-cds';
  var ORDER = { critical: 0, warning: 1, info: 2 };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function factValue(fact, t) {
    if (fact.known === false || (fact.value === undefined && fact.reason !== undefined)) {
      var why = fact.reason ? ' (' + fact.reason + (fact.detail ? ': ' + fact.detail : '') + ')' : '';
      return t('unknownFact') + why;
    }
    var value = Array.isArray(fact.value) ? fact.value.join(', ') : String(fact.value);
    return fact.unit ? value + ' ' + fact.unit : value;
  }

  function renderFacts(facts, t) {
    var box = el('section', 'card-facts');
    box.appendChild(el('h4', null, t('facts')));
    var table = el('table', 'facts-table');
    var head = el('tr');
    ['fact', 'value', 'effective', 'sourcesCol'].forEach(function (k) { head.appendChild(el('th', null, t(k))); });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el('tbody');
    facts.forEach(function (fact) {
      var row = el('tr', 'fact-row' + (fact.known === false ? ' fact-unknown' : ''));
      row.setAttribute('data-fact', String(fact.name));
      row.appendChild(el('td', 'fact-name', fact.name));
      var value = el('td', 'fact-value', factValue(fact, t));
      if (fact.derived) {
        var tag = el('span', 'derived-tag', t('derived') + (fact.method ? ': ' + fact.method : ''));
        if (Array.isArray(fact.derivedFrom)) tag.title = fact.derivedFrom.join(', ');
        value.appendChild(tag);
      }
      row.appendChild(value);
      row.appendChild(el('td', 'fact-date', fact.effective ? String(fact.effective).slice(0, 10) : ''));
      row.appendChild(el('td', 'fact-sources', Array.isArray(fact.sources) ? fact.sources.join(', ') : ''));
      body.appendChild(row);
    });
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }

  function renderEvidence(recommendations, t) {
    var box = el('section', 'card-evidence');
    box.appendChild(el('h4', null, t('evidence')));
    var list = el('ul');
    recommendations.forEach(function (rec) {
      var item = el('li', 'evidence-item');
      item.setAttribute('data-recommendation', String(rec.id));
      item.appendChild(el('strong', null, rec.id));
      // A grade the source does not state is absent (evidenceStatus "not-stated" or "partly-stated"), never null.
      var level = typeof rec.evidenceLevel === 'string' ? rec.evidenceLevel : t('notStated');
      var strength = typeof rec.strength === 'string' ? rec.strength : t('notStated');
      var parts = [t('evidenceLevel') + ': ' + level, t('strength') + ': ' + strength];
      if (rec.source) parts.push(t('source') + ': ' + rec.source + (rec.section ? ', ' + t('interpretation') + ' §' + rec.section : ''));
      if (rec.wording) parts.push(t('wording') + ': ' + rec.wording);
      item.appendChild(el('span', 'evidence-text', ' — ' + parts.join('; ')));
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function renderSuggestions(card, t, hooks) {
    var box = el('section', 'card-suggestions');
    box.appendChild(el('h4', null, t('suggestions')));
    var buttons = el('div', 'suggestion-buttons');
    var preview = el('div', 'suggestion-preview');
    preview.hidden = true;
    card.suggestions.forEach(function (suggestion) {
      var button = el('button', 'suggestion' + (suggestion.isRecommended ? ' recommended' : ''), suggestion.label);
      button.type = 'button';
      if (suggestion.uuid) button.setAttribute('data-suggestion-uuid', suggestion.uuid);
      if (suggestion.isRecommended) button.appendChild(el('span', 'recommended-tag', t('recommendedMark')));
      button.addEventListener('click', function () {
        preview.textContent = '';
        preview.hidden = false;
        (suggestion.actions || []).forEach(function (action) {
          var block = el('div', 'suggestion-action');
          block.appendChild(el('p', 'action-description', t('wouldCreate') + ' ' + action.type + ': ' + action.description));
          var json = action.resource !== undefined ? action.resource : { resourceId: action.resourceId };
          block.appendChild(el('pre', 'suggestion-resource', JSON.stringify(json, null, 2)));
          preview.appendChild(block);
        });
        Array.prototype.forEach.call(buttons.children, function (b) { b.classList.toggle('active', b === button); });
        if (hooks.onAccept && card.uuid && suggestion.uuid) hooks.onAccept(card, suggestion);
      });
      buttons.appendChild(button);
    });
    box.appendChild(buttons);
    box.appendChild(preview);
    return box;
  }

  function renderLinks(links, t) {
    var box = el('section', 'card-links');
    box.appendChild(el('h4', null, t('links')));
    var list = el('ul');
    links.forEach(function (link) {
      var item = el('li');
      var url = root.HccMarkdown.safeUrl(link.url);
      if (link.type === 'absolute' && url !== null) {
        var a = el('a', 'card-link', link.label);
        a.href = url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        item.appendChild(a);
      } else {
        var span = el('span', 'card-link disabled', link.label);
        span.title = t('smartDisabled');
        item.appendChild(span);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function renderFooter(card, t, hooks) {
    var footer = el('footer', 'card-footer');
    var source = card.source || {};
    var label = el('span', 'card-source', t('source') + ': ');
    var url = source.url ? root.HccMarkdown.safeUrl(source.url) : null;
    if (url !== null) {
      var a = el('a', null, source.label);
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      label.appendChild(a);
    } else {
      label.appendChild(document.createTextNode(String(source.label || '')));
    }
    footer.appendChild(label);
    if (card.uuid) {
      var select = null;
      if (Array.isArray(card.overrideReasons) && card.overrideReasons.length > 0) {
        select = el('select', 'override-reason');
        select.setAttribute('aria-label', t('overrideReason'));
        select.appendChild(el('option', null, t('overrideReason') + '…')).value = '';
        card.overrideReasons.forEach(function (reason, i) {
          var option = el('option', null, reason.display || reason.code);
          option.value = String(i);
          select.appendChild(option);
        });
        footer.appendChild(select);
      }
      var dismiss = el('button', 'dismiss', t('dismiss'));
      dismiss.type = 'button';
      dismiss.addEventListener('click', function () {
        var reason = select && select.value !== '' ? card.overrideReasons[Number(select.value)] : undefined;
        if (hooks.onOverride) hooks.onOverride(card, reason);
      });
      footer.appendChild(dismiss);
    }
    return footer;
  }

  /** Builds the DOM of one card. */
  function renderCard(card, t, hooks) {
    var indicator = ORDER[card.indicator] !== undefined ? card.indicator : 'info';
    var article = el('article', 'card card--' + indicator);
    article.setAttribute('data-indicator', indicator);
    if (card.uuid) article.setAttribute('data-card-uuid', card.uuid);
    var header = el('header', 'card-header');
    header.appendChild(el('span', 'indicator-badge', indicator));
    header.appendChild(el('h3', 'card-summary', card.summary));
    article.appendChild(header);
    if (typeof card.detail === 'string' && card.detail.length > 0) {
      var detail = el('div', 'card-detail');
      detail.innerHTML = root.HccMarkdown.render(card.detail); // sanitised: every input character escaped
      article.appendChild(detail);
    }
    // The detail markdown already shows facts and evidence as an EHR would; the extension's structured copy is
    // folded away so the card does not repeat itself.
    var own = card.extension && card.extension[OWN];
    var extension = el('details', 'card-extension');
    extension.appendChild(el('summary', null, t('machineReadable')));
    if (own && Array.isArray(own.recommendations) && own.recommendations.length > 0) extension.appendChild(renderEvidence(own.recommendations, t));
    if (own && Array.isArray(own.facts) && own.facts.length > 0) extension.appendChild(renderFacts(own.facts, t));
    if (extension.childNodes.length > 1) article.appendChild(extension);
    if (Array.isArray(card.suggestions) && card.suggestions.length > 0) article.appendChild(renderSuggestions(card, t, hooks));
    if (Array.isArray(card.links) && card.links.length > 0) article.appendChild(renderLinks(card.links, t));
    article.appendChild(renderFooter(card, t, hooks));
    return article;
  }

  /** Renders a response's cards into container; returns the number of cards. */
  function renderCards(container, response, t, hooks) {
    container.textContent = '';
    var cards = (response && Array.isArray(response.cards) ? response.cards : []).slice();
    cards.sort(function (a, b) { return (ORDER[a.indicator] || 0) - (ORDER[b.indicator] || 0); });
    if (cards.length === 0) container.appendChild(el('p', 'no-cards', t('noCards')));
    cards.forEach(function (card) { container.appendChild(renderCard(card, t, hooks || {})); });
    return cards.length;
  }

  /** Renders the response-level notEvaluable list and data issues. */
  function renderResponseExtension(notEvaluableBox, issuesBox, response, t) {
    var own = response && response.extension && response.extension[OWN];
    notEvaluableBox.textContent = '';
    issuesBox.textContent = '';
    var notEvaluable = own && Array.isArray(own.notEvaluable) ? own.notEvaluable : [];
    var issues = own && Array.isArray(own.dataIssues) ? own.dataIssues : [];
    notEvaluableBox.hidden = notEvaluable.length === 0;
    issuesBox.hidden = issues.length === 0;
    if (notEvaluable.length > 0) {
      notEvaluableBox.appendChild(el('h4', null, t('notEvaluable')));
      var list = el('ul');
      notEvaluable.forEach(function (item) {
        var li = el('li', 'not-evaluable-item', item.id + ' — ' + t('missing') + ': ' + (item.missingFacts || []).join(', '));
        li.setAttribute('data-recommendation', String(item.id));
        list.appendChild(li);
      });
      notEvaluableBox.appendChild(list);
    }
    if (issues.length > 0) {
      issuesBox.appendChild(el('h4', null, t('dataIssues')));
      var ul = el('ul');
      issues.forEach(function (issue) {
        ul.appendChild(el('li', 'data-issue', issue.code + ': ' + issue.message + (issue.location ? ' (' + issue.location + ')' : '')));
      });
      issuesBox.appendChild(ul);
    }
  }

  root.HccCards = { renderCards: renderCards, renderResponseExtension: renderResponseExtension };
})(self);
