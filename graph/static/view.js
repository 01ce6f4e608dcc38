/* policykg graph view.
 * Reads the graph from the page's JSON data elements and draws it with vis-network.
 * Every text from the graph enters the document through textContent or canvas drawing,
 * never as markup. window.pkView exposes the data sets and the controls. */
(function () {
  "use strict";

  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var NODES = readJSON("pk-nodes");
  var EDGES = readJSON("pk-edges");
  var T = readJSON("pk-tables");
  var OPTIONS = readJSON("pk-options");
  var CFG = T.config;
  var N = NODES.length;
  performance.mark("pk-data");

  var UI = {
    zh: {
      search: "搜索名称…", layout: "布局", cascade: "层级（全国→省→市→县）", bydate: "按日期", force: "力导向",
      physics: "物理模拟", edgeLabels: "边标签", language: "语言", fit: "全图", legend: "图例", filters: "筛选",
      locality: "地方", campaign: "专项活动", from: "起始日期", to: "截止日期", undated: "包括日期不详的会议",
      reset: "清除筛选", all: "（全部）", nodes: "节点", edges: "边", type: "类型", properties: "属性",
      sources: "原文出处", more: "另有 {n} 处", neighbours: "关联", focus1: "只看邻居", focus2: "邻居的邻居",
      unfocus: "显示全部", noresult: "无结果", shown: "显示", of: "/", iri: "IRI", document: "文档",
      hidden: "（已被筛选隐藏）", truncated: "（仅显示部分：共 {n} 个节点）", out: "→", in: "←"
    },
    en: {
      search: "Search labels…", layout: "Layout", cascade: "Cascade (national → county)", bydate: "By date",
      force: "Force", physics: "Physics", edgeLabels: "Edge labels", language: "Language", fit: "Fit",
      legend: "Legend", filters: "Filters", locality: "Locality", campaign: "Campaign", from: "From", to: "To",
      undated: "Include undated meetings", reset: "Clear filters", all: "(all)", nodes: "nodes", edges: "edges",
      type: "Type", properties: "Properties", sources: "Source sentences", more: "{n} more", neighbours: "Links",
      focus1: "Neighbourhood", focus2: "Two steps", unfocus: "Show all", noresult: "No match", shown: "shown",
      of: "/", iri: "IRI", document: "Document", hidden: "(hidden by the filters)",
      truncated: "(part of the graph: {n} nodes in all)", out: "→", in: "←"
    }
  };
  var lang = CFG.lang === "en" ? "en" : "zh";
  function t(key) { return (UI[lang] && UI[lang][key]) || UI.en[key] || key; }
  function pick(v) { return typeof v === "string" ? v : (v ? (v[lang] || v.zh || v.en || "") : ""); }

  /* DOM helper: text only. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { node.textContent = attrs[k]; }
        else if (k === "class") { node.className = attrs[k]; }
        else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), attrs[k]); }
        else { node.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function $(id) { return document.getElementById(id); }

  var CLASSES = {};
  T.classes.forEach(function (c) { CLASSES[c.key] = c; });
  var PROPS = T.properties;
  function propLabel(key) { var p = PROPS[key]; return p ? (p[lang] || p.zh) : key; }
  function classLabel(key) { var c = CLASSES[key]; return c ? (c[lang] || c.zh) : key; }
  function nodeName(n) { return (lang === "en" && n.name_en) || n.name; }
  /* meetings often share a name: show them with their locality and date, as drawn */
  function displayName(n) { return n.display || nodeName(n); }

  /* adjacency, locality tree, meetings */
  var adj = NODES.map(function () { return []; });
  EDGES.forEach(function (e) { adj[e.from].push([e.to, e.p, 1, e.id]); adj[e.to].push([e.from, e.p, -1, e.id]); });
  var children = NODES.map(function () { return []; });
  NODES.forEach(function (n) { if (n.cls === "Locality" && n.parent !== null && n.parent !== undefined) { children[n.parent].push(n.id); } });
  var meetings = NODES.filter(function (n) { return n.cls === "Meeting"; }).map(function (n) { return n.id; });
  var followsOut = NODES.map(function () { return []; });
  EDGES.forEach(function (e) { if (e.p === "pk:follows") { followsOut[e.from].push(e.to); } });

  function shade(hex, f) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex);
    if (!m) { return hex; }
    var v = parseInt(m[1], 16);
    var r = Math.round(((v >> 16) & 255) * f), g = Math.round(((v >> 8) & 255) * f), b = Math.round((v & 255) * f);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }

  var state = {
    layout: CFG.layout, physics: !!CFG.physics, edgeLabels: !!CFG.edgeLabels, hiddenClasses: {},
    locality: null, campaign: null, from: "", to: "", undated: true, focus: null, selected: null
  };

  function position(n, layout) { return layout === "date" ? [n.dx, n.dy] : [n.x, n.y]; }
  function nodeItem(n) {
    var p = position(n, state.layout);
    var border = shade(n.color, 0.68);
    return {
      id: n.id, label: n.label, shape: n.shape, size: n.size, x: p[0], y: p[1],
      color: { background: n.color, border: border, highlight: { background: n.color, border: "#111111" },
               hover: { background: n.color, border: "#111111" } }
    };
  }
  function edgeItem(e) {
    var p = PROPS[e.p] || { color: "#9e9e9e", width: 0.8, dashes: false };
    return {
      id: e.id, from: e.from, to: e.to, label: state.edgeLabels ? propLabel(e.p) : "",
      color: { color: p.color, highlight: "#111111", hover: "#333333", opacity: 0.85 },
      width: p.width, dashes: p.dashes
    };
  }

  var nodes = new vis.DataSet(NODES.map(nodeItem));
  var edges = new vis.DataSet(EDGES.map(edgeItem));
  var container = $("pk-network");
  OPTIONS.physics.enabled = state.physics;
  performance.mark("pk-datasets");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, OPTIONS);
  performance.mark("pk-network");

  var api = {
    nodes: nodes, edges: edges, network: network, ready: false, readyMs: null, errors: [],
    view: { nodes: NODES, edges: EDGES, tables: T },
    counts: function () { return { nodes: nodes.length, edges: edges.length, drawnNodes: network.body.nodeIndices.length, drawnEdges: network.body.edgeIndices.length }; },
    visible: visibleCounts, setLang: setLang, setLayout: setLayout, setPhysics: setPhysics,
    setEdgeLabels: setEdgeLabels, setFilter: setFilter, resetFilters: resetFilters, search: search,
    select: selectNode, focus: focusOn, unfocus: unfocus, showTip: showTipFor
  };
  window.pkView = api;

  function markReady() {
    if (api.ready) { return; }
    api.ready = true;
    api.readyMs = performance.now();
    performance.mark("pk-ready");
    document.body.setAttribute("data-ready", "1");
  }
  var stable = !state.physics, initialised = false;
  network.on("stabilizationIterationsDone", function () { stable = true; });
  network.on("stabilized", function () { stable = true; });
  network.on("afterDrawing", function () { if (stable && initialised) { markReady(); } });

  /* ---- filters ---- */
  function descendants(root) {
    var out = {}, stack = [root];
    while (stack.length) { var k = stack.pop(); if (out[k]) { continue; } out[k] = true; Array.prototype.push.apply(stack, children[k]); }
    return out;
  }
  function ancestors(k) {
    var out = {};
    while (k !== null && k !== undefined && !out[k]) { out[k] = true; k = NODES[k].parent; }
    return out;
  }
  function meetingDate(n) { return /^\d{4}-\d\d-\d\d/.test(n.date || "") ? n.date.slice(0, 10) : ""; }
  function computeVisible() {
    var locFilter = state.locality !== null, campFilter = state.campaign !== null, dateFilter = !!(state.from || state.to);
    var any = locFilter || campFilter || dateFilter;
    var desc = locFilter ? descendants(state.locality) : null, anc = locFilter ? ancestors(state.locality) : null;
    var passCD = function (m) {
      var n = NODES[m];
      if (campFilter && n.campaigns.indexOf(state.campaign) < 0) { return false; }
      if (dateFilter) {
        var d = meetingDate(n);
        if (!d) { return state.undated; }
        if (state.from && d < state.from) { return false; }
        if (state.to && d > state.to) { return false; }
      }
      return true;
    };
    var M = null;
    if (any) {
      M = {};
      meetings.forEach(function (m) {
        var n = NODES[m];
        if (locFilter && !(n.where !== null && n.where !== undefined && desc[n.where])) { return; }
        if (passCD(m)) { M[m] = true; }
      });
      if (locFilter) {          /* the meetings they follow, up the cascade */
        var stack = Object.keys(M).map(Number);
        while (stack.length) {
          var m = stack.pop();
          followsOut[m].forEach(function (u) { if (!M[u] && passCD(u)) { M[u] = true; stack.push(u); } });
        }
      }
    }
    var visible = new Array(N);
    for (var i = 0; i < N; i++) {
      var n = NODES[i], ok = !state.hiddenClasses[n.cls];
      if (ok && M) {
        if (n.cls === "Meeting") { ok = !!M[i]; }
        else if (n.cls === "Locality" && locFilter) {
          ok = !!(desc[i] || anc[i]) && (!(campFilter || dateFilter) || anc[i] || n.meetings.some(function (m) { return M[m]; }));
        } else { ok = n.meetings.some(function (m) { return M[m]; }); }
      }
      if (ok && state.focus && !state.focus[i]) { ok = false; }
      visible[i] = ok;
    }
    return visible;
  }
  var shown = new Array(N).fill(true), shownEdges = new Array(EDGES.length).fill(true);
  function applyFilters(fit) {
    var visible = computeVisible(), nu = [], eu = [];
    for (var i = 0; i < N; i++) { if (visible[i] !== shown[i]) { nu.push({ id: i, hidden: !visible[i] }); shown[i] = visible[i]; } }
    EDGES.forEach(function (e) {
      var v = visible[e.from] && visible[e.to];
      if (v !== shownEdges[e.id]) { eu.push({ id: e.id, hidden: !v }); shownEdges[e.id] = v; }
    });
    if (nu.length) { nodes.update(nu); }
    if (eu.length) { edges.update(eu); }
    updateStatus();
    if (fit) { fitVisible(); }
  }
  function visibleCounts() {
    var n = 0, e = 0;
    shown.forEach(function (v) { if (v) { n++; } });
    shownEdges.forEach(function (v) { if (v) { e++; } });
    return { nodes: n, edges: e };
  }
  function fitVisible() {
    var ids = [];
    shown.forEach(function (v, i) { if (v) { ids.push(i); } });
    network.fit({ nodes: ids.length ? ids : undefined, animation: false });
  }
  function setFilter(name, value) {
    if (name === "class") { state.hiddenClasses[value[0]] = !value[1]; }
    else if (name === "locality" || name === "campaign") { state[name] = value === null || value === "" ? null : Number(value); }
    else if (name === "from" || name === "to") { state[name] = value || ""; }
    else if (name === "undated") { state.undated = !!value; }
    syncControls();
    applyFilters(name !== "class");
    return visibleCounts();
  }
  function resetFilters() {
    state.hiddenClasses = {}; state.locality = null; state.campaign = null; state.from = ""; state.to = "";
    state.undated = true; state.focus = null;
    syncControls(); applyFilters(true);
    return visibleCounts();
  }
  function updateStatus() {
    var c = visibleCounts(), meta = T.meta;
    var s = t("nodes") + " " + c.nodes + t("of") + N + " · " + t("edges") + " " + c.edges + t("of") + EDGES.length;
    if (meta.nodes_total > N) { s += " " + t("truncated").replace("{n}", meta.nodes_total); }
    $("pk-status").textContent = s;
  }

  /* ---- focus on a neighbourhood ---- */
  function focusOn(id, depth) {
    var keep = {}, frontier = [id];
    keep[id] = true;
    for (var d = 0; d < (depth || 1); d++) {
      var next = [];
      frontier.forEach(function (k) { adj[k].forEach(function (a) { if (!keep[a[0]]) { keep[a[0]] = true; next.push(a[0]); } }); });
      frontier = next;
    }
    state.focus = keep;
    applyFilters(true);
    return visibleCounts();
  }
  function unfocus() { state.focus = null; applyFilters(true); return visibleCounts(); }

  /* ---- layouts and physics ---- */
  function setPhysics(on) {
    state.physics = !!on;
    if (on) { stable = false; }
    network.setOptions({ physics: { enabled: state.physics } });
    $("pk-physics").checked = state.physics;
  }
  function setLayout(layout) {
    state.layout = layout;
    $("pk-layout").value = layout;
    if (layout === "force") { setPhysics(true); return; }
    setPhysics(false);
    nodes.update(NODES.map(function (n) { var p = position(n, layout); return { id: n.id, x: p[0], y: p[1] }; }));
    fitVisible();
  }
  function setEdgeLabels(on) {
    state.edgeLabels = !!on;
    $("pk-edge-labels").checked = state.edgeLabels;
    edges.update(EDGES.map(function (e) { return { id: e.id, label: state.edgeLabels ? propLabel(e.p) : "" }; }));
  }

  /* guides: row names of the cascade, dates of the date layout (drawn on the canvas) */
  var bounds = { cascade: null, date: null };
  function layoutBounds(layout) {
    if (!bounds[layout]) {
      var b = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
      NODES.forEach(function (n) { var p = position(n, layout); b.x0 = Math.min(b.x0, p[0]); b.x1 = Math.max(b.x1, p[0]); b.y0 = Math.min(b.y0, p[1]); b.y1 = Math.max(b.y1, p[1]); });
      bounds[layout] = b;
    }
    return bounds[layout];
  }
  network.on("beforeDrawing", function (ctx) {
    if (!N || state.physics || state.layout === "force") { return; }
    var b = layoutBounds(state.layout), scale = network.getScale() || 1, size = 12 / scale;
    ctx.save();
    ctx.font = size + "px " + CFG.font;
    ctx.fillStyle = "#8a8a8a";
    ctx.strokeStyle = "rgba(0,0,0,0.07)";
    ctx.lineWidth = 1 / scale;
    if (state.layout === "cascade") {
      var left = network.DOMtoCanvas({ x: 10, y: 0 }).x;
      ctx.textAlign = "left"; ctx.textBaseline = "bottom";
      T.rows.forEach(function (r) {
        ctx.beginPath(); ctx.moveTo(Math.min(left, b.x0 - 60), r.y); ctx.lineTo(b.x1 + 60, r.y); ctx.stroke();
        ctx.fillText(r[lang] || r.zh, left, r.y - 3 / scale);
      });
    } else {
      var top = network.DOMtoCanvas({ x: 0, y: 8 }).y;
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      T.axis.forEach(function (a) {
        ctx.beginPath(); ctx.moveTo(a.x, Math.min(top, b.y0 - 50)); ctx.lineTo(a.x, b.y1 + 50); ctx.stroke();
        ctx.fillText(a.label, a.x, top);
      });
    }
    ctx.restore();
  });

  /* ---- tooltip and details ---- */
  function swatch(cls) {
    var c = CLASSES[cls] || { shape: "dot", color: "#ccc" }, ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("viewBox", "0 0 14 14");
    svg.setAttribute("class", "pk-swatch");
    var shapes = {
      dot: ["circle", { cx: 7, cy: 7, r: 5.5 }], ellipse: ["ellipse", { cx: 7, cy: 7, rx: 6.5, ry: 4.5 }],
      diamond: ["polygon", { points: "7,0.5 13.5,7 7,13.5 0.5,7" }], square: ["rect", { x: 1.5, y: 1.5, width: 11, height: 11 }],
      triangle: ["polygon", { points: "7,1 13,12.5 1,12.5" }], triangleDown: ["polygon", { points: "1,1.5 13,1.5 7,13" }],
      hexagon: ["polygon", { points: "3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7" }],
      star: ["polygon", { points: "7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.2 2.9,13 4.2,8.2 0.5,5.2 5.2,5" }]
    };
    var s = shapes[c.shape] || shapes.dot, shape = document.createElementNS(ns, s[0]);
    Object.keys(s[1]).forEach(function (k) { shape.setAttribute(k, s[1][k]); });
    shape.setAttribute("fill", c.color); shape.setAttribute("stroke", shade(c.color, 0.68));
    svg.appendChild(shape);
    return svg;
  }
  function quote(ev) {
    var doc = T.documents[ev.doc];
    return el("blockquote", null, [ev.pre, el("mark", { text: ev.hit }), ev.post,
      doc ? el("span", { class: "pk-doc", text: doc.title + (doc.issued ? " · " + doc.issued : "") }) : null]);
  }
  var tip = $("pk-tip");
  function showTipFor(id, x, y) {
    var n = NODES[id];
    clear(tip);
    tip.appendChild(el("div", { class: "pk-name", text: displayName(n) }));
    tip.appendChild(el("div", { class: "pk-badge" }, [swatch(n.cls), classLabel(n.cls)]));
    var props = n.props.slice(0, 4).map(function (kv) { return propLabel(kv[0]) + "：" + shorten(pick(kv[1]), 60); });
    if (props.length) { tip.appendChild(el("div", { class: "pk-props", text: props.join("　") })); }
    if (n.evidence.length) { tip.appendChild(quote(n.evidence[0])); }
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(window.innerWidth - w - 4, x + 14)) + "px";
    tip.style.top = Math.max(4, Math.min(window.innerHeight - h - 4, y + 14)) + "px";
    return tip.textContent;
  }
  function shorten(s, n) { return s.length > n ? s.slice(0, n) + "…" : s; }
  network.on("hoverNode", function (p) {
    var r = container.getBoundingClientRect();
    showTipFor(p.node, r.left + p.pointer.DOM.x, r.top + p.pointer.DOM.y);
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("zoom", function () { tip.hidden = true; });

  var panel = $("pk-panel"), details = $("pk-details");
  function selectNode(id, move) {
    state.selected = id;
    if (!shown[id]) { resetFilters(); }
    network.selectNodes([id]);
    if (move) { network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false }); }
    renderDetails();
    return details.textContent;
  }
  function renderDetails() {
    var id = state.selected;
    clear(details);
    if (id === null || id === undefined) { panel.hidden = true; return; }
    var n = NODES[id];
    panel.hidden = false;
    details.appendChild(el("h3", { text: displayName(n) }));
    details.appendChild(el("div", { class: "pk-badge" }, [swatch(n.cls), classLabel(n.cls)]));
    if (!shown[id]) { details.appendChild(el("div", { text: t("hidden") })); }
    details.appendChild(el("div", { class: "pk-iri", text: n.iri }));
    details.appendChild(el("div", { class: "pk-actions" }, [
      el("button", { type: "button", text: t("focus1"), onclick: function () { focusOn(id, 1); } }),
      el("button", { type: "button", text: t("focus2"), onclick: function () { focusOn(id, 2); } }),
      el("button", { type: "button", text: t("unfocus"), onclick: unfocus })
    ]));
    if (n.props.length) {
      details.appendChild(el("h4", { text: t("properties") }));
      details.appendChild(el("table", null, n.props.map(function (kv) {
        return el("tr", null, [el("th", { text: propLabel(kv[0]) }), el("td", { text: pick(kv[1]) })]);
      })));
    }
    if (n.evidence.length) {
      details.appendChild(el("h4", { text: t("sources") }));
      n.evidence.forEach(function (ev) { details.appendChild(quote(ev)); });
      if (n.evidence_total > n.evidence.length) {
        details.appendChild(el("div", { class: "pk-doc", text: t("more").replace("{n}", n.evidence_total - n.evidence.length) }));
      }
    }
    if (adj[id].length) {
      details.appendChild(el("h4", { text: t("neighbours") }));
      var groups = {};
      adj[id].forEach(function (a) { var k = (a[2] > 0 ? t("out") : t("in")) + " " + propLabel(a[1]); (groups[k] = groups[k] || []).push(a[0]); });
      Object.keys(groups).sort().forEach(function (k) {
        details.appendChild(el("div", { class: "pk-doc", text: k }));
        details.appendChild(el("ul", null, groups[k].slice(0, 60).map(function (m) {
          return el("li", null, [el("button", { type: "button", text: displayName(NODES[m]), onclick: function () { selectNode(m, true); } })]);
        })));
      });
    }
  }
  network.on("click", function (p) {
    tip.hidden = true;
    if (p.nodes && p.nodes.length) { selectNode(p.nodes[0], false); }
    else if (!p.edges || !p.edges.length) { state.selected = null; renderDetails(); }
  });
  $("pk-close").addEventListener("click", function () { state.selected = null; network.unselectAll(); renderDetails(); });

  /* ---- search ---- */
  var results = $("pk-results"), searchBox = $("pk-search");
  function search(q) {
    q = (q || "").trim().toLowerCase();
    if (!q) { return []; }
    var out = [];
    for (var i = 0; i < N && out.length < 200; i++) {
      var n = NODES[i];
      var hay = (n.name + "\n" + (n.display || "") + "\n" + (n.name_en || "") + "\n" + (n.code || "")).toLowerCase();
      if (hay.indexOf(q) >= 0) { out.push(i); }
    }
    return out;
  }
  function showResults() {
    var hits = search(searchBox.value);
    clear(results);
    if (!searchBox.value.trim()) { results.hidden = true; network.unselectAll(); return; }
    if (!hits.length) { results.appendChild(el("li", { text: t("noresult") })); }
    hits.slice(0, 50).forEach(function (k, i) {
      var n = NODES[k];
      results.appendChild(el("li", { class: i === 0 ? "pk-active" : "", "data-id": String(k),
        onmousedown: function (ev) { ev.preventDefault(); pickResult(k); } },
        [swatch(n.cls), " " + displayName(n), el("span", { class: "pk-cls", text: classLabel(n.cls) })]));
    });
    results.hidden = false;
    network.selectNodes(hits.filter(function (k) { return shown[k]; }));
  }
  function pickResult(k) { results.hidden = true; selectNode(k, true); }
  var searchTimer = null;
  searchBox.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(showResults, 120); });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var hits = search(searchBox.value); if (hits.length) { pickResult(hits[0]); } }
    else if (ev.key === "Escape") { results.hidden = true; }
  });
  searchBox.addEventListener("blur", function () { setTimeout(function () { results.hidden = true; }, 150); });

  /* ---- controls ---- */
  function fillSelect(select, ids, label) {
    var keep = select.value;
    clear(select);
    select.appendChild(el("option", { value: "", text: t("all") }));
    ids.forEach(function (k) { select.appendChild(el("option", { value: String(k), text: label(NODES[k]) })); });
    select.value = keep;
  }
  function depthOf(k) { var d = 0; while (NODES[k].parent !== null && NODES[k].parent !== undefined && d < 8) { k = NODES[k].parent; d++; } return d; }
  function localityLabel(n) { return "\u3000".repeat(depthOf(n.id)) + nodeName(n) + (n.code ? " " + n.code : ""); }
  function renderLegend() {
    var ul = $("pk-legend");
    clear(ul);
    T.classes.forEach(function (c) {
      var box = el("input", { type: "checkbox", onchange: function (ev) { setFilter("class", [c.key, ev.target.checked]); } });
      box.checked = !state.hiddenClasses[c.key];
      ul.appendChild(el("li", null, [el("label", null, [box, swatch(c.key), c[lang] || c.zh, el("span", { class: "pk-count", text: String(c.count) })])]));
    });
    var el2 = $("pk-edge-legend");
    clear(el2);
    ["pk:follows", "pk:partOf", "pk:heldIn"].forEach(function (k) {
      var p = PROPS[k];
      if (!p || !p.edges) { return; }
      var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), line = document.createElementNS(ns, "line");
      svg.setAttribute("width", "22"); svg.setAttribute("height", "8");
      line.setAttribute("x1", "0"); line.setAttribute("y1", "4"); line.setAttribute("x2", "22"); line.setAttribute("y2", "4");
      line.setAttribute("stroke", p.color); line.setAttribute("stroke-width", String(Math.max(1.5, p.width)));
      if (p.dashes) { line.setAttribute("stroke-dasharray", "4 3"); }
      svg.appendChild(line);
      el2.appendChild(el("li", null, [svg, p[lang] || p.zh, el("span", { class: "pk-count", text: String(p.edges) })]));
    });
  }
  function syncControls() {
    $("pk-locality").value = state.locality === null ? "" : String(state.locality);
    $("pk-campaign").value = state.campaign === null ? "" : String(state.campaign);
    $("pk-from").value = state.from; $("pk-to").value = state.to;
    $("pk-undated").checked = state.undated;
    var boxes = $("pk-legend").querySelectorAll("input");
    T.classes.forEach(function (c, i) { if (boxes[i]) { boxes[i].checked = !state.hiddenClasses[c.key]; } });
  }
  function setLang(l, quiet) {
    lang = l === "en" ? "en" : "zh";
    document.documentElement.setAttribute("lang", lang === "zh" ? "zh-Hans" : "en");
    $("pk-lang").value = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) { node.textContent = t(node.getAttribute("data-i18n")); });
    searchBox.setAttribute("placeholder", t("search"));
    fillSelect($("pk-locality"), T.filters.localities, localityLabel);
    fillSelect($("pk-campaign"), T.filters.campaigns, nodeName);
    renderLegend(); syncControls(); updateStatus(); renderDetails();
    if (quiet) { return lang; }
    if (state.edgeLabels) { setEdgeLabels(true); }
    network.redraw();
    return lang;
  }

  $("pk-layout").addEventListener("change", function (ev) { setLayout(ev.target.value); });
  $("pk-physics").addEventListener("change", function (ev) { setPhysics(ev.target.checked); });
  $("pk-edge-labels").addEventListener("change", function (ev) { setEdgeLabels(ev.target.checked); });
  $("pk-lang").addEventListener("change", function (ev) { setLang(ev.target.value); });
  $("pk-fit").addEventListener("click", fitVisible);
  $("pk-locality").addEventListener("change", function (ev) { setFilter("locality", ev.target.value); });
  $("pk-campaign").addEventListener("change", function (ev) { setFilter("campaign", ev.target.value); });
  $("pk-from").addEventListener("change", function (ev) { setFilter("from", ev.target.value); });
  $("pk-to").addEventListener("change", function (ev) { setFilter("to", ev.target.value); });
  $("pk-undated").addEventListener("change", function (ev) { setFilter("undated", ev.target.checked); });
  $("pk-reset").addEventListener("click", resetFilters);
  if (T.filters.dates && T.filters.dates.length === 2) {
    ["pk-from", "pk-to"].forEach(function (k) { $(k).min = T.filters.dates[0]; $(k).max = T.filters.dates[1]; });
  }
  $("pk-layout").value = state.layout;
  $("pk-physics").checked = state.physics;
  $("pk-edge-labels").checked = state.edgeLabels;
  setLang(lang, true);
  initialised = true;
  if (!state.physics) { network.fit({ animation: false }); }
})();
