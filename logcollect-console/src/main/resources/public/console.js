// The console's only script: charts drawn with uPlot from JSON the server sends, times in the chosen time zone,
// and the live tail's retries.
// It never turns data into markup.
"use strict";

function zoomTo(searchUrl, fromMillis, toMillis) {
  const url = new URL(searchUrl, window.location.origin);
  url.searchParams.set("range", "custom");
  url.searchParams.set("from", new Date(fromMillis).toISOString());
  url.searchParams.set("to", new Date(toMillis).toISOString());
  url.searchParams.delete("after");
  window.location.assign(url.pathname + url.search);
}

/** The histogram from the buckets the page carries: drawn as the page loads, before the lines are read. */
function histogram(element) {
  const data = JSON.parse(element.dataset.bucketsJson);
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
}

const METRIC_CHARTS = [
  {title: "CPU (share of all cores)", unit: "share", series: [["cpu", "cpu"]]},
  {title: "Load (1 min)", unit: "number", series: [["load1", "load 1"]]},
  {title: "Memory used (share)", unit: "share", series: [["memory", "memory"]]},
  {title: "Disk IO (bytes/s)", unit: "bytes", series: [["disk_read", "read"], ["disk_write", "write"]]},
  {title: "Disk operations (per second)", unit: "number", series: [["disk_read_ops", "reads"], ["disk_write_ops", "writes"]]},
  {title: "Network (bytes/s)", unit: "bytes", series: [["net_in", "in"], ["net_out", "out"]]}
];
const COLORS = ["rgb(40,110,200)", "rgb(200,90,40)", "rgb(40,150,80)", "rgb(150,60,170)", "rgb(120,120,120)"];

/** An axis value in a unit that stays the same whatever the range: shares as %, bytes per second scaled. */
function formatValue(unit, value) {
  if (value === null || value === undefined) {
    return "";
  }
  if (unit === "share") {
    return Math.round(value * 1000) / 10 + "%";
  }
  if (unit === "bytes") {
    const steps = ["B/s", "KB/s", "MB/s", "GB/s"];
    let scaled = value;
    let step = 0;
    while (Math.abs(scaled) >= 1000 && step < steps.length - 1) {
      scaled /= 1000;
      step++;
    }
    return (Math.round(scaled * 10) / 10) + " " + steps[step];
  }
  return Math.abs(value) >= 1000 ? Math.round(value / 100) / 10 + "k" : String(Math.round(value * 100) / 100);
}

function chart(element, title, unit, times, series) {
  const box = document.createElement("div");
  box.className = "chart";
  const heading = document.createElement("h3");
  heading.textContent = title;
  box.appendChild(heading);
  element.appendChild(box);
  new uPlot({
    width: Math.min(560, element.clientWidth || 560),
    height: 180,
    scales: {x: {time: true}},
    series: [{}].concat(series.map((s, i) => ({label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5,
      spanGaps: false, value: (u, v) => formatValue(unit, v)}))),
    axes: [{}, {size: 80, values: (u, values) => values.map(v => formatValue(unit, v))}]
  }, [times].concat(series.map(s => s.values)), box);
}

function selector(label, name, all, names, chosen) {
  const select = document.createElement("select");
  select.name = name;
  select.setAttribute("aria-label", label);
  for (const value of [""].concat(names)) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = value === "" ? all : value;
    option.selected = value === (chosen || "");
    select.appendChild(option);
  }
  return select;
}

function metrics(element) {
  const url = new URL(element.dataset.src, window.location.href);
  fetch(url, {credentials: "same-origin"})
    .then(response => response.json())
    .then(data => {
      element.textContent = "";
      const choices = document.createElement("p");
      choices.className = "choices";
      const device = selector("disk", "device", "all disks", data.devices, url.searchParams.get("device"));
      const network = selector("network interface", "interface", "host total", data.interfaces,
        url.searchParams.get("interface"));
      for (const select of [device, network]) {
        select.addEventListener("change", () => {
          url.searchParams.set(select.name, select.value);
          element.dataset.src = url.pathname + url.search;
          element.dataset.ready = "false";
          metrics(element);
        });
        choices.appendChild(select);
      }
      element.appendChild(choices);
      for (const c of METRIC_CHARTS) {
        chart(element, c.title, c.unit, data.time, c.series.map(s => ({label: s[1], values: data[s[0]]})));
      }
      const mounts = Object.keys(data.filesystems);
      chart(element, "File systems (used share)", "share", data.time,
        mounts.map(mount => ({label: mount, values: data.filesystems[mount]})));
      element.dataset.ready = "true";
    });
}

const ZONE_KEY = "logcollect.timeZone";

/** The time zone times are shown in: the one chosen on this browser, else the browser's own. */
function chosenZone() {
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    const stored = localStorage.getItem(ZONE_KEY);
    new Intl.DateTimeFormat("en-US", {timeZone: stored || browser});
    return stored || browser;
  } catch (e) {
    return browser;
  }
}

/** An instant as yyyy-MM-dd HH:mm:ss.SSS ±hh:mm in a time zone. */
function inZone(date, zone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"});
  for (const part of format.formatToParts(date)) {
    parts[part.type] = part.value;
  }
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offset = Math.round((wall - (date.getTime() - date.getUTCMilliseconds())) / 60000);
  const pad = (number, width) => String(number).padStart(width, "0");
  const sign = offset < 0 ? "-" : "+";
  return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":"
    + parts.second + "." + pad(date.getUTCMilliseconds(), 3) + " " + sign + pad(Math.floor(Math.abs(offset) / 60), 2)
    + ":" + pad(Math.abs(offset) % 60, 2);
}

/** Every time[datetime] shown in the chosen zone; its title keeps the time as the document holds it. */
function showTimes(root) {
  const zone = chosenZone();
  root.querySelectorAll("time[datetime]").forEach(element => {
    const date = new Date(element.getAttribute("datetime"));
    if (!isNaN(date.getTime())) {
      element.textContent = inZone(date, zone);
      element.title = element.getAttribute("datetime");
    }
  });
}

function zoneChooser(select) {
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const chosen = chosenZone();
  const zones = ["UTC"].concat(Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []);
  for (const zone of [browser].concat(zones.filter(z => z !== browser))) {
    const option = document.createElement("option");
    option.value = zone;
    option.textContent = zone === browser ? zone + " (this browser)" : zone;
    option.selected = zone === chosen;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    try {
      localStorage.setItem(ZONE_KEY, select.value);
    } catch (e) {
      // a browser that keeps nothing: the choice holds for this page
    }
    showTimes(document);
  });
}

const TAIL_RETRY_MILLIS = 2000;

/**
 * A live tail poll that failed: say so, and ask again with the same cursor (so no line is lost) after a pause.
 * The next answer that arrives clears the message (the server's fragment replaces it).
 */
function tailFailed(event) {
  const poller = event.detail.elt;
  if (!poller || poller.id !== "tail-poller") {
    return;
  }
  const status = document.getElementById("tail-status");
  const xhr = event.detail.xhr;
  const reason = xhr && xhr.status ? "HTTP " + xhr.status : "no answer from the console";
  if (status) {
    status.textContent = "Live tail: the last poll failed (" + reason + "); asking again every "
      + TAIL_RETRY_MILLIS / 1000 + " s.";
  }
  setTimeout(() => htmx.trigger(poller, "retry"), TAIL_RETRY_MILLIS);
}

document.body.addEventListener("htmx:responseError", tailFailed);
document.body.addEventListener("htmx:sendError", tailFailed);

document.body.addEventListener("htmx:afterSettle", () => showTimes(document));

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select#tz").forEach(zoneChooser);
  showTimes(document);
  document.querySelectorAll("#histogram[data-buckets-json]").forEach(histogram);
  document.querySelectorAll("#charts[data-src]").forEach(metrics);
});
