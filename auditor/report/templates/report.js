(function () {
  "use strict";
  var holder = document.getElementById("auditor-map-data");
  if (!holder) { return; }
  var data = JSON.parse(holder.textContent);
  var points = data.points;
  var canvas = document.getElementById("map");
  var tip = document.getElementById("map-tip");
  var search = document.getElementById("map-search");
  var colourBy = document.getElementById("map-colour");
  var status = document.getElementById("map-status");
  var legend = document.getElementById("map-legend");
  var ctx = canvas.getContext("2d");
  var PALETTE = data.palette;
  var NOISE = data.noise;
  var GROUP_COLOURS = data.groups;  // a colour for every group, from the one palette
  var state = { mode: colourBy ? colourBy.value : "cluster", query: "", matches: 0, drawn: 0 };
  var size = { w: 0, h: 0, pad: 14 };

  function categories(key) {
    var seen = {}, list = [];
    points.forEach(function (p) {
      var v = p[key];
      if (v !== undefined && !(v in seen)) { seen[v] = true; list.push(v); }
    });
    return list.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
  }

  function colourOf(p) {
    if (state.mode === "shown" && p.shown !== undefined) {
      var s = state.shownRange, g = s[1] > s[0] ? (Math.log(1 + p.shown) - s[0]) / (s[1] - s[0]) : 0.5;
      return "rgb(" + Math.round(40 + 190 * g) + ",90," + Math.round(220 - 180 * g) + ")";
    }
    if (state.mode === "time" && p.time) {
      var t = state.timeRange, f = t[1] > t[0] ? (Date.parse(p.time) - t[0]) / (t[1] - t[0]) : 0.5;
      var r = Math.round(40 + 190 * f), b = Math.round(220 - 180 * f);
      return "rgb(" + r + ",90," + b + ")";
    }
    if (state.mode === "group" && p.group !== undefined) {
      return GROUP_COLOURS[p.group];
    }
    if (p.cluster < 0) { return NOISE; }
    return PALETTE[p.cluster];
  }

  function matches(p) {
    if (!state.query) { return false; }
    var hay = ((p.text || "") + " " + p.id).toLowerCase();
    return hay.indexOf(state.query) !== -1;
  }

  function px(p) { return size.pad + p.x * (size.w - 2 * size.pad); }
  function py(p) { return size.pad + (1 - p.y) * (size.h - 2 * size.pad); }

  function resize() {
    var ratio = window.devicePixelRatio || 1;
    size.w = canvas.clientWidth; size.h = canvas.clientHeight;
    canvas.width = Math.round(size.w * ratio); canvas.height = Math.round(size.h * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function draw() {
    ctx.clearRect(0, 0, size.w, size.h);
    var hits = [];
    state.drawn = 0;
    points.forEach(function (p) {
      var hit = matches(p);
      if (hit) { hits.push(p); return; }
      ctx.globalAlpha = state.query ? 0.18 : 0.75;
      ctx.fillStyle = colourOf(p);
      ctx.beginPath(); ctx.arc(px(p), py(p), 3, 0, 6.2832); ctx.fill();
      state.drawn += 1;
    });
    ctx.globalAlpha = 1;
    hits.forEach(function (p) {
      ctx.fillStyle = colourOf(p); ctx.strokeStyle = "#111";
      ctx.beginPath(); ctx.arc(px(p), py(p), 5.5, 0, 6.2832); ctx.fill(); ctx.stroke();
      state.drawn += 1;
    });
    state.matches = hits.length;
    canvas.setAttribute("data-drawn", String(state.drawn));
    canvas.setAttribute("data-matches", String(state.matches));
    if (status) {
      status.textContent = state.query ? hits.length + " of " + points.length + " texts match"
                                       : points.length + " texts on the map";
    }
  }

  function buildLegend() {
    while (legend.firstChild) { legend.removeChild(legend.firstChild); }
    var items = [];
    if (state.mode === "group") {
      items = state.groups.map(function (g, i) { return [String(g), GROUP_COLOURS[g]]; });
    } else if (state.mode === "time") {
      items = [["oldest", "rgb(40,90,220)"], ["newest", "rgb(230,90,40)"]];
    } else if (state.mode === "shown") {
      items = [["shown least", "rgb(40,90,220)"], ["shown most", "rgb(230,90,40)"]];
    } else {
      items = (data.clusters || []).map(function (c) {
        var words = (c.keywords || []).slice(0, 3).join(", ");
        return ["cluster " + c.id + (words ? ": " + words : ""), PALETTE[c.id]];
      });
      items.push(["no cluster (noise)", NOISE]);
    }
    items.forEach(function (item) {
      var span = document.createElement("span");
      var dot = document.createElement("i");
      dot.style.background = item[1];
      span.appendChild(dot);
      span.appendChild(document.createTextNode(item[0]));
      legend.appendChild(span);
    });
  }

  function nearest(mx, my) {
    var best = null, bestD = 64;
    points.forEach(function (p) {
      var dx = px(p) - mx, dy = py(p) - my, d = dx * dx + dy * dy;
      if (d < bestD) { best = p; bestD = d; }
    });
    return best;
  }

  function showTip(p, mx, my) {
    if (!p) { tip.hidden = true; return; }
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    var head = document.createElement("div");
    head.className = "tip-head";
    var bits = [p.id];
    if (p.group !== undefined) { bits.push(String(p.group)); }
    if (p.time) { bits.push(p.time); }
    if (p.shown !== undefined) { bits.push("shown " + p.shown + " times"); }
    bits.push(p.cluster < 0 ? "no cluster" : "cluster " + p.cluster);
    bits.push("typicality " + p.typicality.toFixed(3));
    head.textContent = bits.join(" · ");
    tip.appendChild(head);
    if (p.text !== undefined) {
      var body = document.createElement("div");
      body.textContent = p.text;
      tip.appendChild(body);
    }
    tip.hidden = false;
    tip.style.left = Math.min(mx + 14, size.w - 320) + "px";
    tip.style.top = (my + 14) + "px";
  }

  state.groups = categories("group");
  var shown = points.filter(function (p) { return p.shown !== undefined; }).map(function (p) { return Math.log(1 + p.shown); });
  state.shownRange = shown.length ? [Math.min.apply(null, shown), Math.max.apply(null, shown)] : [0, 0];
  var times = points.filter(function (p) { return p.time; }).map(function (p) { return Date.parse(p.time); });
  state.timeRange = times.length ? [Math.min.apply(null, times), Math.max.apply(null, times)] : [0, 0];

  canvas.addEventListener("mousemove", function (e) {
    var r = canvas.getBoundingClientRect();
    showTip(nearest(e.clientX - r.left, e.clientY - r.top), e.clientX - r.left, e.clientY - r.top);
  });
  canvas.addEventListener("mouseleave", function () { tip.hidden = true; });
  if (search) {
    search.addEventListener("input", function () { state.query = search.value.trim().toLowerCase(); draw(); });
  }
  if (colourBy) {
    colourBy.addEventListener("change", function () { state.mode = colourBy.value; buildLegend(); draw(); });
  }
  window.addEventListener("resize", function () { resize(); draw(); });
  window.auditorMap = {
    state: state,
    screenPosition: function (index) { var p = points[index]; return [px(p), py(p)]; }
  };
  resize(); buildLegend(); draw();
}());
