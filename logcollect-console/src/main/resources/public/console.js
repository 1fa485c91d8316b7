// The console's only script: charts drawn with uPlot from JSON the server sends. It never turns data into markup.
"use strict";

function zoomTo(searchUrl, fromMillis, toMillis) {
  const url = new URL(searchUrl, window.location.origin);
  url.searchParams.set("range", "custom");
  url.searchParams.set("from", new Date(fromMillis).toISOString());
  url.searchParams.set("to", new Date(toMillis).toISOString());
  url.searchParams.delete("after");
  window.location.assign(url.pathname + url.search);
}

function histogram(element) {
  fetch(element.dataset.src, {credentials: "same-origin"})
    .then(response => response.json())
    .then(data => {
      const times = data.buckets.map(b => b[0] / 1000);
      const counts = data.buckets.map(b => b[1]);
      const interval = data.interval;
      const chart = new uPlot({
        width: element.clientWidth || 900,
        height: 140,
        cursor: {drag: {x: true, y: false}},
        legend: {show: false},
        scales: {x: {time: true}},
        axes: [{}, {size: 50}],
        series: [{}, {label: "lines", fill: "rgba(40,110,200,0.5)", stroke: "rgb(40,110,200)",
          paths: uPlot.paths.bars({size: [0.9, 60]}), points: {show: false}}],
        hooks: {
          setSelect: [u => {
            if (u.select.width > 3) {
              const from = u.posToVal(u.select.left, "x") * 1000;
              const to = u.posToVal(u.select.left + u.select.width, "x") * 1000;
              zoomTo(element.dataset.search, from, to);
            }
          }]
        }
      }, [times, counts], element);
      chart.over.addEventListener("click", () => {
        const index = chart.cursor.idx;
        if (index !== null && index !== undefined && chart.select.width <= 3) {
          zoomTo(element.dataset.search, times[index] * 1000, times[index] * 1000 + interval - 1);
        }
      });
      element.dataset.buckets = String(times.length);
      element.dataset.ready = "true";
    });
}

const METRIC_CHARTS = [
  {title: "CPU (share of all cores)", series: [["cpu", "cpu"]]},
  {title: "Load (1 min)", series: [["load1", "load 1"]]},
  {title: "Memory used (share)", series: [["memory", "memory"]]},
  {title: "Disk IO (bytes per interval)", series: [["disk_read", "read"], ["disk_write", "write"]]},
  {title: "Network (bytes per interval)", series: [["net_in", "in"], ["net_out", "out"]]}
];
const COLORS = ["rgb(40,110,200)", "rgb(200,90,40)"];

function metrics(element) {
  fetch(element.dataset.src, {credentials: "same-origin"})
    .then(response => response.json())
    .then(data => {
      for (const chart of METRIC_CHARTS) {
        const box = document.createElement("div");
        box.className = "chart";
        const title = document.createElement("h3");
        title.textContent = chart.title;
        box.appendChild(title);
        element.appendChild(box);
        new uPlot({
          width: Math.min(560, element.clientWidth || 560),
          height: 180,
          scales: {x: {time: true}},
          series: [{}].concat(chart.series.map((s, i) => ({label: s[1], stroke: COLORS[i], width: 1.5, spanGaps: false}))),
          axes: [{}, {size: 70}]
        }, [data.time].concat(chart.series.map(s => data[s[0]])), box);
      }
      element.dataset.ready = "true";
    });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("#histogram[data-src]").forEach(histogram);
  document.querySelectorAll("#charts[data-src]").forEach(metrics);
});
