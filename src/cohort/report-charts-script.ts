/**
 * The browser script of report.html: draws the charts with Chart.js (inlined beside it) from the report JSON
 * embedded in the page. Plain ES2017, no network. Sets `window.cohortChartsDrawn` to the number of charts drawn.
 */
export const REPORT_CHARTS_SCRIPT = String.raw`
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var COLOURS = { critical: '#c62828', warning: '#ef6c00', info: '#1565c0', fired: '#2e7d32', notEvaluable: '#9e9e9e', bar: '#00695c' };
  var drawn = 0;
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: config.data.datasets.length > 1 } } }, config.options || {});
    config.data.datasets.forEach(function (d) { d.maxBarThickness = 28; });
    // A horizontal chart gets 22 px per row so that every label is shown.
    if (config.options.indexAxis === 'y') {
      canvas.parentElement.style.height = Math.max(160, 60 + 22 * config.data.labels.length) + 'px';
      config.options.scales = Object.assign({ y: { ticks: { autoSkip: false } } }, config.options.scales || {});
    }
    new Chart(canvas, config);
    drawn += 1;
  }
  function top(list, n) { return list.slice(0, n); }
  var p = report.patients;
  draw('chart-patients', {
    type: 'bar',
    data: { labels: ['read', 'with HCC diagnosis', 'without HCC diagnosis', 'HCC diagnosis unknown'],
      datasets: [{ label: 'patients', data: [p.read, p.withHccDiagnosis, p.withoutHccDiagnosis, p.hccDiagnosisUnknown], backgroundColor: COLOURS.bar }] }
  });
  draw('chart-cards-per-patient', {
    type: 'bar',
    data: { labels: report.cardsPerPatient.map(function (b) { return b.cards; }),
      datasets: [{ label: 'patients', data: report.cardsPerPatient.map(function (b) { return b.patients; }), backgroundColor: COLOURS.bar }] },
    options: { scales: { x: { title: { display: true, text: 'cards per patient' } }, y: { title: { display: true, text: 'patients' } } } }
  });
  draw('chart-indicators', {
    type: 'bar',
    data: { labels: report.cardsByIndicator.map(function (c) { return c.indicator; }),
      datasets: [{ label: 'cards', data: report.cardsByIndicator.map(function (c) { return c.cards; }), backgroundColor: report.cardsByIndicator.map(function (c) { return COLOURS[c.indicator]; }) }] }
  });
  draw('chart-recommendations', {
    type: 'bar',
    data: { labels: report.recommendations.map(function (r) { return r.id; }),
      datasets: [
        { label: 'fired', data: report.recommendations.map(function (r) { return r.firingRate === null ? null : r.firingRate * 100; }), backgroundColor: COLOURS.fired },
        { label: 'not evaluable', data: report.recommendations.map(function (r) { return r.notEvaluableRate === null ? null : r.notEvaluableRate * 100; }), backgroundColor: COLOURS.notEvaluable }
      ] },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 100, title: { display: true, text: '% of evaluated patients' } } } }
  });
  var missing = top(report.missingInputs, 15);
  draw('chart-missing', {
    type: 'bar',
    data: { labels: missing.map(function (m) { return m.fact; }),
      datasets: [{ label: 'recommendations blocked', data: missing.map(function (m) { return m.recommendationIds.length; }), backgroundColor: COLOURS.notEvaluable }] },
    options: { indexAxis: 'y' }
  });
  var issues = top(report.dataIssues, 15);
  draw('chart-issues', {
    type: 'bar',
    data: { labels: issues.map(function (d) { return d.code; }),
      datasets: [{ label: 'patients', data: issues.map(function (d) { return d.patients; }), backgroundColor: COLOURS.warning }] },
    options: { indexAxis: 'y' }
  });
  var codes = top(report.unrecognisedCodes.rows, 15);
  draw('chart-unrecognised', {
    type: 'bar',
    data: { labels: codes.map(function (u) { return u.code + ' (' + u.resourceType + ')'; }),
      datasets: [{ label: 'occurrences', data: codes.map(function (u) { return u.occurrences; }), backgroundColor: COLOURS.info }] },
    options: { indexAxis: 'y' }
  });
  window.cohortChartsDrawn = drawn;
})();
`;
