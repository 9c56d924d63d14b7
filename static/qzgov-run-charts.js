// The run page's charts (issue 12 §3), drawn by the vendored Chart.js from the page's
// json_script element "run-summary" — the same JSON as the summary API. No inline script (CSP).
(function () {
  "use strict";
  var source = document.getElementById("run-summary");
  if (!source || typeof window.Chart === "undefined") { return; }
  var summary = JSON.parse(source.textContent);
  var chart = summary.chart;
  var colours = ["#9b1c1c", "#417690", "#b7791f", "#2f855a", "#6b46c1"];
  var money = new Intl.NumberFormat("zh-CN", { style: "currency", currency: "CNY" });
  function yuan(context) {
    return (context.dataset.label ? context.dataset.label + ":" : "") + money.format(context.parsed.y);
  }
  var common = {
    responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { tooltip: { callbacks: { label: yuan } } },
    scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return money.format(v); } } } }
  };
  var month = document.getElementById("chart-month");
  if (month) {
    new window.Chart(month, {
      type: "bar",
      data: {
        labels: chart.month.regions,
        datasets: chart.month.series.map(function (s, i) {
          return { label: s.label, data: s.amounts.map(Number), backgroundColor: colours[i % colours.length] };
        })
      },
      options: Object.assign({}, common, {
        scales: { x: { stacked: true }, y: Object.assign({ stacked: true }, common.scales.y) }
      })
    });
  }
  var trend = document.getElementById("chart-trend");
  if (trend) {
    var datasets = [{ label: "全部", data: chart.trend.whole.map(Number), borderColor: colours[0],
                      backgroundColor: colours[0], tension: 0.2 }];
    if (chart.trend.own) {
      datasets.push({ label: summary.scope.text, data: chart.trend.own.map(Number),
                      borderColor: colours[1], backgroundColor: colours[1], tension: 0.2 });
    }
    new window.Chart(trend, { type: "line", data: { labels: chart.trend.months, datasets: datasets },
                              options: common });
  }
  document.getElementById("charts").dataset.drawn = "1";
})();
