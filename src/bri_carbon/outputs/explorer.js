// The flow explorer's script (inlined into explorer.html by bri_carbon.outputs.explorer).
// Vanilla JavaScript, no library. It reads the JSON of <script id="explorer-data">
// (bri_carbon.outputs.explorer.explorer_data): every number is already formatted as the
// report's tables show it; the script colours the map from those texts, lists them and
// writes them into the CSV downloads. It makes no request of any kind.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var MINUS = "\u2212";
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    year: data.meta.years[data.meta.years.length - 1],
    view: "regions",
    measure: data.measures[0].key,
    selected: -1,
    sortKey: null,
    sortDescending: true
  };

  // --- Reading the data ----------------------------------------------------------------------

  // A number shown as text ("1,234.5", "\u22120.3") as a JavaScript number; NaN if empty.
  function parse(text) {
    if (text === undefined || text === null || text === "") { return NaN; }
    return Number(String(text).replace(/,/g, "").replace(MINUS, "-"));
  }

  function items() {
    if (state.view === "regions") {
      var r = data.regions;
      return { names: r.names, keys: r.codes, bri: r.bri, anchors: r.anchors };
    }
    var g = data.groups;
    return { names: g.names, keys: g.names, bri: g.bri, anchors: g.anchors };
  }

  function year() { return data.years[state.year]; }
  function cells() { return year()[state.view]; }
  function flows() { return year().flows[state.view]; }
  function measure() {
    return data.measures.filter(function (m) { return m.key === state.measure; })[0];
  }
  function scale() { return data.scales[state.view][measure().family]; }
  function label(index) {
    var list = items();
    return state.view === "regions" ? list.names[index] + " (" + list.keys[index] + ")" : list.names[index];
  }

  var regionIndex = {};
  data.regions.codes.forEach(function (code, i) { regionIndex[code] = i; });
  var groupIndex = {};
  data.groups.names.forEach(function (name, i) { groupIndex[name] = i; });

  // The item of the current view a map region belongs to (its own index, or its group's).
  function itemOfRegion(code) {
    var i = regionIndex[code];
    if (i === undefined) { return -1; }
    if (state.view === "regions") { return i; }
    var g = groupIndex[data.regions.groups[i]];
    return g === undefined ? -1 : g;
  }

  // --- Colours -------------------------------------------------------------------------------

  function hex(colour) {
    return [1, 3, 5].map(function (at) { return parseInt(colour.slice(at, at + 2), 16); });
  }

  function colourOf(s, value) {
    if (!isFinite(value)) { return s.no_data; }
    var t;
    if (s.kind === "log") {
      t = value > 0 ? (Math.log(value) - Math.log(s.low)) / (Math.log(s.high) - Math.log(s.low)) : 0;
    } else {
      t = (value - s.low) / (s.high - s.low);
    }
    t = Math.min(1, Math.max(0, t));
    var x = t * (s.stops.length - 1);
    var i = Math.min(Math.floor(x), s.stops.length - 2);
    var f = x - i;
    var a = hex(s.stops[i]), b = hex(s.stops[i + 1]);
    return "rgb(" + a.map(function (v, k) { return Math.round(v + (b[k] - v) * f); }).join(",") + ")";
  }

  // --- Controls ------------------------------------------------------------------------------

  function option(select, value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  }

  function fillYears() {
    var select = $("year");
    data.meta.years.forEach(function (y) { option(select, y, y); });
    var single = data.meta.years.length < 2;
    $("year-back").disabled = single;
    $("year-next").disabled = single;
  }

  function fillMeasures() {
    var select = $("measure");
    data.measures.forEach(function (m) { option(select, m.key, m.label); });
  }

  function fillChoices() {
    var select = $("choice");
    var list = items();
    select.textContent = "";
    option(select, "", state.view === "regions" ? "Choose a region\u2026" : "Choose a group\u2026");
    var order = list.names.map(function (_, i) { return i; });
    order.sort(function (a, b) { return list.names[a].localeCompare(list.names[b]); });
    order.forEach(function (i) { option(select, String(i), label(i)); });
    $("choice-label").textContent = state.view === "regions" ? "Region" : "Group";
  }

  function syncControls() {
    $("year").value = state.year;
    $("measure").value = state.measure;
    $("choice").value = state.selected >= 0 ? String(state.selected) : "";
    document.querySelectorAll("input[name=view]").forEach(function (input) {
      input.checked = input.value === state.view;
    });
    var years = data.meta.years, at = years.indexOf(state.year);
    $("year-back").disabled = at <= 0;
    $("year-next").disabled = at >= years.length - 1;
    document.querySelectorAll(".year-text").forEach(function (el) { el.textContent = state.year; });
  }

  // --- Map -----------------------------------------------------------------------------------

  var paths = Array.prototype.slice.call(document.querySelectorAll("#countries path[data-code]"));

  function colourMap() {
    var values = cells()[state.measure];
    var s = scale();
    paths.forEach(function (path) {
      var code = path.getAttribute("data-code");
      var item = itemOfRegion(code);
      var i = regionIndex[code];
      path.classList.toggle("bri", i !== undefined && data.regions.bri[i]);
      if (item < 0) { path.style.fill = ""; return; }
      path.style.fill = colourOf(s, parse(values[item]));
    });
  }

  function legend() {
    var m = measure(), s = scale();
    var box = $("legend");
    box.textContent = "";
    var title = document.createElement("p");
    title.className = "title";
    var unit = m.unit ? " (" + m.unit + ")" : "";
    var scaleName = s.kind === "log" ? "logarithmic scale" : "linear scale";
    var view = state.view === "regions" ? "each region" : "each region in its group's colour";
    title.textContent = m.label + unit + ", " + scaleName + "; " + view +
      "; values beyond the ends take the end colours";
    box.appendChild(title);
    var bar = document.createElement("div");
    bar.className = "bar";
    bar.style.background = "linear-gradient(to right, " + s.stops.join(", ") + ")";
    box.appendChild(bar);
    var ticks = document.createElement("div");
    ticks.className = "ticks";
    s.ticks.forEach(function (tick) {
      var span = document.createElement("span");
      span.style.left = (tick[0] * 100).toFixed(2) + "%";
      span.textContent = tick[1];
      ticks.appendChild(span);
    });
    box.appendChild(ticks);
    var keys = document.createElement("div");
    keys.className = "keys";
    keys.appendChild(swatch(s.no_data, "no data"));
    keys.appendChild(swatch("#f0f0f0", "not in the data"));
    if (state.selected >= 0) {
      keys.appendChild(line("var(--out)", "flows out (emitted here)"));
      keys.appendChild(line("var(--in)", "flows in (for final demand here)"));
    }
    keys.appendChild(element("span", "dark outline: Belt and Road region"));
    box.appendChild(keys);
  }

  function swatch(colour, text) {
    var span = document.createElement("span");
    var box = document.createElement("span");
    box.className = "swatch";
    box.style.background = colour;
    span.appendChild(box);
    span.appendChild(document.createTextNode(text));
    return span;
  }

  function line(colour, text) {
    var span = document.createElement("span");
    var bar = document.createElement("span");
    bar.className = "line";
    bar.style.background = colour;
    span.appendChild(bar);
    span.appendChild(document.createTextNode(text));
    return span;
  }

  function curve(from, to) {
    var dx = to[0] - from[0], dy = to[1] - from[1];
    var cx = (from[0] + to[0]) / 2 - dy * 0.2, cy = (from[1] + to[1]) / 2 + dx * 0.2;
    return "M" + from[0] + " " + from[1] + "Q" + cx.toFixed(1) + " " + cy.toFixed(1) + " " + to[0] + " " + to[1];
  }

  function drawFlows() {
    var layer = $("flow-lines");
    layer.textContent = "";
    paths.forEach(function (path) {
      path.classList.remove("selected");
      path.classList.remove("partner");
    });
    if (state.selected < 0) { return; }
    var list = items(), f = flows();
    paths.forEach(function (path) {
      if (itemOfRegion(path.getAttribute("data-code")) === state.selected) { path.classList.add("selected"); }
    });
    var here = list.anchors[state.selected];
    if (!here) { return; }
    var biggest = 0;
    ["out", "in"].forEach(function (direction) {
      f[direction].mt[state.selected].forEach(function (v) { biggest = Math.max(biggest, parse(v)); });
    });
    ["out", "in"].forEach(function (direction) {
      var d = f[direction];
      d.partners[state.selected].forEach(function (partner, k) {
        var there = list.anchors[partner];
        if (!there) { return; }
        var value = parse(d.mt[state.selected][k]);
        var path = document.createElementNS(SVG, "path");
        path.setAttribute("class", direction);
        path.setAttribute("d", direction === "out" ? curve(here, there) : curve(there, here));
        path.setAttribute("stroke-width", (1 + 7 * (biggest > 0 ? value / biggest : 0)).toFixed(2));
        var title = document.createElementNS(SVG, "title");
        var arrow = direction === "out" ? label(state.selected) + " \u2192 " + label(partner)
          : label(partner) + " \u2192 " + label(state.selected);
        title.textContent = arrow + ": " + d.mt[state.selected][k] + " Mt CO\u2082 (" + d.share[state.selected][k] + "%)";
        path.appendChild(title);
        layer.appendChild(path);
        var dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", there[0]);
        dot.setAttribute("cy", there[1]);
        dot.setAttribute("r", 9);
        dot.setAttribute("fill", direction === "out" ? "#d55e00" : "#0072b2");
        layer.appendChild(dot);
      });
    });
    var mark = document.createElementNS(SVG, "circle");
    mark.setAttribute("cx", here[0]);
    mark.setAttribute("cy", here[1]);
    mark.setAttribute("r", 14);
    mark.setAttribute("fill", "#000");
    layer.appendChild(mark);
  }

  // --- Details of the selected region or group -----------------------------------------------

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  function pick(index) {
    var button = element("button", label(index), "pick");
    button.type = "button";
    button.addEventListener("click", function () { select(index); });
    return button;
  }

  function flowTable(direction, id) {
    var d = flows()[direction], s = state.selected;
    var table = element("table", null, "data flows");
    table.id = id;
    var head = table.createTHead().insertRow();
    [state.view === "regions" ? "Partner" : "Partner group", "Mt CO\u2082", "Share (%)"].forEach(function (text, k) {
      var th = element("th", text, k ? "num" : "");
      head.appendChild(th);
    });
    var body = table.createTBody();
    function add(cellsOfRow, className) {
      var tr = body.insertRow();
      if (className) { tr.className = className; }
      cellsOfRow.forEach(function (cell, k) {
        var td = tr.insertCell();
        if (k) { td.className = "num"; }
        if (typeof cell === "string") { td.textContent = cell; } else { td.appendChild(cell); }
      });
    }
    var own = direction === "out" ? "Domestic (own final demand)" : "Domestic (emitted at home)";
    add([own, d.domestic[s], d.domestic_share[s]]);
    d.partners[s].forEach(function (partner, k) { add([pick(partner), d.mt[s][k], d.share[s][k]]); });
    if (d.others[s] > 0) {
      var kind = state.view === "regions" ? " other regions" : " other groups";
      add(["The " + d.others[s] + kind, d.other[s], d.other_share[s]]);
    }
    add(["Total", d.total[s], d.total_share[s]], "total");
    return table;
  }

  // The ten items with the largest value of the measure shown, as buttons that select them.
  function ranking() {
    var m = measure(), values = cells()[state.measure];
    var order = values.map(function (_, i) { return i; }).filter(function (i) { return isFinite(parse(values[i])); });
    order.sort(function (a, b) { return parse(values[b]) - parse(values[a]); });
    var part = element("div");
    part.appendChild(element("h3", "Largest: " + m.label + (m.unit ? " (" + m.unit + ")" : "") + ", " + state.year));
    var list = element("ol", null, "ranking");
    order.slice(0, 10).forEach(function (i) {
      var li = element("li");
      li.appendChild(pick(i));
      li.appendChild(element("span", values[i], "value"));
      list.appendChild(li);
    });
    part.appendChild(list);
    return part;
  }

  function details() {
    var box = $("details");
    box.textContent = "";
    if (state.selected < 0) {
      box.appendChild(element("h2", "Nothing selected"));
      box.appendChild(element("p", "Choose a region or group on the map, in the list at the top or in the table below."));
      box.appendChild(ranking());
      return;
    }
    var s = state.selected, list = items();
    box.appendChild(element("h2", label(s)));
    var kind = element("p", null, "kind");
    if (state.view === "regions") {
      kind.appendChild(document.createTextNode("Group: " + data.regions.groups[s] + " \u00b7 "));
    } else {
      kind.appendChild(document.createTextNode(data.groups.regions[s] + " regions \u00b7 "));
    }
    kind.appendChild(element("span", list.bri[s] ? "Belt and Road" : "not Belt and Road", list.bri[s] ? "bri-tag" : ""));
    kind.appendChild(document.createTextNode(" \u00b7 " + state.year));
    box.appendChild(kind);
    var dl = element("dl", null, "accounts");
    dl.id = "accounts";
    data.columns.forEach(function (column) {
      dl.appendChild(element("dt", column.header));
      var dd = element("dd", cells()[column.key][s]);
      dd.setAttribute("data-key", column.key);
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    var name = list.names[s];
    [["out", "flows-out", "Flows out: CO\u2082 emitted in " + name + ", driven by final demand of"],
     ["in", "flows-in", "Flows in: CO\u2082 driven by final demand of " + name + ", emitted in"]].forEach(function (part) {
      var head = element("div", null, "row-head");
      head.appendChild(element("h3", part[2]));
      var button = element("button", "CSV", "download");
      button.type = "button";
      button.setAttribute("data-table", part[1]);
      button.setAttribute("aria-label", "Download this table (CSV)");
      head.appendChild(button);
      box.appendChild(head);
      box.appendChild(flowTable(part[0], part[1]));
    });
    var top = state.view === "regions" ? "the " + data.meta.top + " largest partners" : "every group";
    box.appendChild(element("p", "Industry emissions in Mt CO\u2082; shares of the total. Listed: " + top +
      " (flows shown as 0.0 are counted in the other line). Household direct emissions are not flows.", "note"));
    if (state.view === "groups") {
      var members = data.regions.names.filter(function (_, i) { return data.regions.groups[i] === name; });
      box.appendChild(element("p", "Regions: " + members.join(", "), "members"));
    }
  }

  // --- The table of all regions or groups ----------------------------------------------------

  function mainTable() {
    var list = items(), c = cells();
    var table = $("main-table");
    table.textContent = "";
    var columns = [{ key: "name", header: state.view === "regions" ? "Region" : "Group" }];
    if (state.view === "regions") {
      columns.push({ key: "code", header: "Code" });
      columns.push({ key: "group", header: "Group" });
    }
    columns.push({ key: "bri", header: "BRI" });
    columns = columns.concat(data.columns);
    function text(key, i) {
      if (key === "name") { return list.names[i]; }
      if (key === "code") { return list.keys[i]; }
      if (key === "group") { return data.regions.groups[i]; }
      if (key === "bri") { return list.bri[i] ? "yes" : "no"; }
      return c[key][i];
    }
    var numeric = function (key) { return c[key] !== undefined; };
    var key = state.sortKey || state.measure;
    var order = list.names.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x, y, result;
      if (numeric(key)) {
        x = parse(text(key, a)); y = parse(text(key, b));
        if (isNaN(x) !== isNaN(y)) { return isNaN(x) ? 1 : -1; }
        result = (x - y) || 0;
      } else {
        result = String(text(key, a)).localeCompare(String(text(key, b)));
      }
      if (state.sortDescending) { result = -result; }
      return result || list.names[a].localeCompare(list.names[b]);
    });
    var row = table.createTHead().insertRow();
    columns.forEach(function (column) {
      var th = element("th", null, numeric(column.key) ? "num" : "");
      th.scope = "col";
      if (column.key === key) { th.setAttribute("aria-sort", state.sortDescending ? "descending" : "ascending"); }
      var button = element("button", column.header, "sort");
      button.type = "button";
      button.addEventListener("click", function () {
        if (key === column.key) { state.sortDescending = !state.sortDescending; }
        else { state.sortDescending = numeric(column.key); }
        state.sortKey = column.key;
        mainTable();
      });
      th.appendChild(button);
      row.appendChild(th);
    });
    var body = table.createTBody();
    order.forEach(function (i) {
      var tr = body.insertRow();
      tr.setAttribute("data-item", list.keys[i]);
      if (i === state.selected) { tr.className = "selected"; }
      columns.forEach(function (column) {
        var cell;
        if (column.key === "name") {
          cell = element("th");
          cell.scope = "row";
          var button = element("button", list.names[i], "pick");
          button.type = "button";
          button.addEventListener("click", function () { select(i); });
          cell.appendChild(button);
        } else {
          cell = element("td", text(column.key, i), numeric(column.key) ? "num" : "");
        }
        tr.appendChild(cell);
      });
    });
    $("table-title").textContent = (state.view === "regions" ? "All regions, " : "All groups, ") + state.year;
    $("table-caption").textContent = "Accounts as in " + (state.view === "regions" ? "accounts.csv" : "groups/accounts.csv") +
      ", rounded as the report's tables show them; the ratio is production- over consumption-based intensity. " +
      "Click a column heading to sort, a name to select.";
  }

  // --- CSV download of a table as shown --------------------------------------------------------

  var NUMBER = /^\u2212?[0-9][0-9,]*(\.[0-9]+)?$/;

  // A cell as written to the CSV: its text, numbers without thousands separators and with an
  // ASCII minus (the same digits as shown); quoted where needed.
  function csvCell(text) {
    var value = text.replace(/\s+/g, " ").trim();
    if (NUMBER.test(value)) { value = value.replace(/,/g, "").replace(MINUS, "-"); }
    return /[",\n]/.test(value) ? "\"" + value.replace(/"/g, "\"\"") + "\"" : value;
  }

  function tableCsv(table) {
    var lines = [];
    Array.prototype.forEach.call(table.rows, function (tr) {
      lines.push(Array.prototype.map.call(tr.cells, function (cell) { return csvCell(cell.textContent); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function slug(text) { return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); }

  function download(tableId) {
    var table = $(tableId);
    if (!table) { return; }
    var parts = ["bri-carbon", data.meta.source, state.year, state.view];
    if (tableId !== "main-table") { parts.push(slug(items().names[state.selected])); parts.push(tableId); }
    var blob = new Blob([tableCsv(table)], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = parts.join("_") + ".csv";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  }

  // --- Putting it together -------------------------------------------------------------------

  function yearTables() {
    $("blocks").innerHTML = year().blocks;
    $("headline").innerHTML = year().headline;
  }

  function remember() {
    var parts = ["year=" + state.year, "view=" + state.view, "measure=" + state.measure];
    if (state.selected >= 0) { parts.push("item=" + encodeURIComponent(items().keys[state.selected])); }
    try { history.replaceState(null, "", "#" + parts.join("&")); } catch (ignored) { /* file: URLs in some browsers */ }
  }

  function recall() {
    var wanted = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) { wanted[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); }
    });
    if (data.years[wanted.year]) { state.year = wanted.year; }
    if (wanted.view === "regions" || wanted.view === "groups") { state.view = wanted.view; }
    if (data.measures.some(function (m) { return m.key === wanted.measure; })) { state.measure = wanted.measure; }
    if (wanted.item !== undefined) { state.selected = items().keys.indexOf(wanted.item); }
  }

  function update() {
    syncControls();
    colourMap();
    legend();
    drawFlows();
    details();
    mainTable();
    yearTables();
    remember();
  }

  function select(index) {
    state.selected = index;
    update();
  }

  function hover(event) {
    var code = event.target.getAttribute && event.target.getAttribute("data-code");
    if (!code) { return; }
    var item = itemOfRegion(code);
    var out = $("hover");
    if (item < 0) { out.textContent = "Not in the data (" + code + ")"; return; }
    var m = measure(), value = cells()[state.measure][item];
    var where = state.view === "groups" ? data.regions.names[regionIndex[code]] + " \u2192 " : "";
    out.textContent = where + label(item) + ": " + m.label + " " +
      (value === "" ? "no data" : value + (m.unit ? " " + m.unit : ""));
  }

  function setView(view) {
    var keyBefore = state.selected >= 0 ? items().keys[state.selected] : null;
    var groupOfRegion = state.view === "regions" && keyBefore !== null ? data.regions.groups[state.selected] : null;
    state.view = view;
    state.sortKey = null;
    state.sortDescending = true;
    if (view === "groups") {
      state.selected = groupOfRegion !== null ? groupIndex[groupOfRegion] : -1;
    } else {
      state.selected = -1;
    }
    fillChoices();
    update();
  }

  function stepYear(step) {
    var years = data.meta.years, at = years.indexOf(state.year) + step;
    if (at >= 0 && at < years.length) { state.year = years[at]; update(); }
  }

  // The height of the bar at the top, for the map that stays in view below it.
  function measureTop() {
    document.documentElement.style.setProperty("--top", document.querySelector(".top").offsetHeight + "px");
  }

  fillYears();
  fillMeasures();
  recall();
  fillChoices();
  $("year").addEventListener("change", function (e) { state.year = e.target.value; update(); });
  $("year-back").addEventListener("click", function () { stepYear(-1); });
  $("year-next").addEventListener("click", function () { stepYear(1); });
  $("measure").addEventListener("change", function (e) {
    state.measure = e.target.value;
    state.sortKey = null;
    state.sortDescending = true;
    update();
  });
  $("choice").addEventListener("change", function (e) { select(e.target.value === "" ? -1 : Number(e.target.value)); });
  document.querySelectorAll("input[name=view]").forEach(function (input) {
    input.addEventListener("change", function (e) { setView(e.target.value); });
  });
  $("countries").addEventListener("click", function (e) {
    var code = e.target.getAttribute && e.target.getAttribute("data-code");
    if (!code) { return; }
    var item = itemOfRegion(code);
    if (item >= 0) { select(item); }
  });
  $("countries").addEventListener("pointerover", hover);
  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest("button.download") : null;
    if (target) { download(target.getAttribute("data-table")); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && state.selected >= 0) { select(-1); }
  });
  window.addEventListener("resize", measureTop);
  measureTop();
  update();
}());
