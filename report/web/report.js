// Draws the charts of a kbench report with the ECharts build inlined
// above. The chart options come from the page's JSON (id kbench-charts);
// keys named kbench… are read here (how to label values) and removed.
(function () {
  'use strict';

  // sig keeps three significant digits, without trailing zeros: 12.3,
  // 1.23, 123, 2.
  function sig(v) {
    var a = Math.abs(v);
    var d = a >= 100 ? 0 : a >= 10 ? 1 : 2;
    return String(parseFloat(v.toFixed(d)));
  }

  var formats = {
    s: function (v) { return sig(v) + 's'; },
    ms: function (v) {
      if (v >= 1000) { return sig(v / 1000) + 's'; }
      if (v > 0 && v < 1) { return sig(v * 1000) + 'µs'; }
      return sig(v) + 'ms';
    },
    rate: function (v) {
      if (v >= 1e6) { return sig(v / 1e6) + 'M/s'; }
      if (v >= 1e4) { return sig(v / 1e3) + 'k/s'; }
      return (v >= 10 || v === Math.round(v) ? String(Math.round(v)) : sig(v)) + '/s';
    },
    count: function (v) {
      if (v >= 1e6) { return sig(v / 1e6) + 'M'; }
      if (v >= 1e4) { return sig(v / 1e3) + 'k'; }
      return v === Math.round(v) ? String(v) : sig(v);
    },
    // percentile turns 1/(1-p) back into p: 10 → 90%, 1000 → 99.9%.
    percentile: function (x) {
      var p = 100 * (1 - 1 / x);
      if (p <= 0) { return '0%'; }
      var digits = Math.max(0, Math.ceil(Math.log10(x) - 2 + 1e-9));
      return p.toFixed(Math.min(digits, 6)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') + '%';
    }
  };

  function format(kind, v) {
    if (v === null || v === undefined || v === '-' || (typeof v === 'number' && isNaN(v))) { return '–'; }
    var f = formats[kind];
    return f ? f(v) : String(v);
  }

  var esc = echarts.format.encodeHTML;

  // prepare turns the kbench… keys of an option into label and tooltip
  // formatters.
  function prepare(option) {
    var yKinds = (option.yAxis || []).map(function (a) { return a.kbenchFormat; });
    [].concat(option.xAxis || [], option.yAxis || []).forEach(function (a) {
      if (a.kbenchFormat) {
        var kind = a.kbenchFormat;
        a.axisLabel = { formatter: function (v) { return format(kind, v); }, hideOverlap: true };
        delete a.kbenchFormat;
      }
    });
    var t = option.tooltip || {};
    var xKind = t.kbenchXFormat;
    // Each series' values read in its tooltip's format, or its y axis'.
    var kinds = (option.series || []).map(function (s) { return t.kbenchFormat || yKinds[s.yAxisIndex || 0]; });
    delete t.kbenchFormat;
    delete t.kbenchXFormat;
    t.confine = true;
    // Series and category names come from the scenario: escaped, as the
    // tooltip is HTML.
    t.formatter = function (params) {
      if (!params.length) { return ''; }
      var first = params[0];
      var head = Array.isArray(first.value) ? format(xKind, first.value[0]) : first.name;
      var rows = params.map(function (p) {
        var y = Array.isArray(p.value) ? p.value[1] : p.value;
        return p.marker + esc(p.seriesName) + ': <b>' + esc(format(kinds[p.seriesIndex], y)) + '</b>';
      });
      return esc(String(head)) + '<br>' + rows.join('<br>');
    };
    option.tooltip = t;
    return option;
  }

  var data = document.getElementById('kbench-charts');
  var specs = data ? JSON.parse(data.textContent) : [];
  var charts = [];
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(prepare(spec.option));
    charts.push(chart);
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.resize(); });
  });
}());
