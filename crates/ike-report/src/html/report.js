"use strict";
// Draws the peers table, the list of IKE SAs and, when one is opened, its ladder, from the data
// embedded in the page (see crates/ike-report/src/html.rs for the row layout). Nothing is fetched.
(function () {
  const D = JSON.parse(document.getElementById("ike-data").textContent);
  const PAGE = 100, RUNGS = 300;
  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === "class") e.className = attrs[k];
      else if (k === "text") e.textContent = attrs[k];
      else if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const multi = D.sources.length > 1;

  // Peers: sortable, filtered, a page at a time; a click shows that peer's SAs.
  const peerState = { key: "attempts", desc: true, filter: "", page: 0 };
  const peerKeys = [["ini", "initiator"], ["res", "responder"], ["attempts", "attempts"], ["established", "established"], ["failed", "failed"]];
  function drawPeers() {
    const box = $("peer-table");
    const f = peerState.filter.toLowerCase();
    let rows = D.peers.map((p, i) => [p, i]).filter(([p]) => !f || (p.ini + " " + p.res + " " + p.failed).toLowerCase().includes(f));
    const k = peerState.key, s = peerState.desc ? -1 : 1;
    rows.sort((a, b) => (a[0][k] < b[0][k] ? -s : a[0][k] > b[0][k] ? s : a[1] - b[1]));
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    peerState.page = Math.min(peerState.page, pages - 1);
    const head = el("tr", {}, ...peerKeys.map(([key, name]) => {
      const th = el("th", { "data-key": key, text: name + (k === key ? (peerState.desc ? " \u25be" : " \u25b4") : "") });
      th.onclick = () => { peerState.desc = peerState.key === key ? !peerState.desc : key !== "ini" && key !== "res"; peerState.key = key; drawPeers(); };
      return th;
    }));
    const body = el("tbody");
    for (const [p, i] of rows.slice(peerState.page * PAGE, (peerState.page + 1) * PAGE)) {
      const tr = el("tr", { "data-peer": i }, el("td", { class: "mono", text: p.ini }), el("td", { class: "mono", text: p.res }),
        el("td", { text: p.attempts }), el("td", { text: p.established }), el("td", { text: p.failed || "-" }));
      tr.onclick = () => { saState.peer = i; saState.page = 0; drawSas(); $("sas").scrollIntoView(); };
      body.append(tr);
    }
    box.replaceChildren(el("table", {}, el("thead", {}, head), body), pager(rows.length, pages, peerState, drawPeers));
  }
  function pager(count, pages, state, redraw) {
    if (pages <= 1) return el("div", { class: "pager", text: count + " shown" });
    const prev = el("button", { type: "button", text: "previous" }), next = el("button", { type: "button", text: "next" });
    prev.disabled = state.page === 0; next.disabled = state.page >= pages - 1;
    prev.onclick = () => { state.page--; redraw(); };
    next.onclick = () => { state.page++; redraw(); };
    return el("div", { class: "pager" }, prev, el("span", { text: "page " + (state.page + 1) + " of " + pages + " (" + count + ")" }), next);
  }

  // The SAs: filtered, a page at a time, each ladder drawn when opened.
  const saState = { filter: "", outcome: "", peer: null, page: 0 };
  const drawn = new Set();
  function saText(sa) {
    return [sa.spi_i, sa.spi_r, sa.ini, sa.res, sa.out, sa.phase || "", sa.cat || "", sa.reached].join(" ").toLowerCase();
  }
  function shownSas() {
    const f = saState.filter.toLowerCase();
    const out = [];
    D.sas.forEach((sa, i) => {
      if (saState.outcome && sa.out !== saState.outcome) return;
      if (saState.peer !== null && sa.peer !== saState.peer) return;
      if (f && !saText(sa).includes(f)) return;
      out.push(i);
    });
    return out;
  }
  function drawSas() {
    const list = shownSas();
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    saState.page = Math.min(saState.page, pages - 1);
    const box = $("sa-list");
    const items = [];
    if (saState.peer !== null) {
      const p = D.peers[saState.peer];
      const clear = el("button", { type: "button", text: "show every peer" });
      clear.onclick = () => { saState.peer = null; drawSas(); };
      items.push(el("div", { class: "pager" }, el("span", { text: "Peer " + p.ini + " \u21d2 " + p.res }), clear));
    }
    for (const i of list.slice(saState.page * PAGE, (saState.page + 1) * PAGE)) items.push(saItem(i));
    items.push(pager(list.length, pages, saState, drawSas));
    drawn.clear();
    box.replaceChildren(...items);
    return list;
  }
  function saItem(i) {
    const sa = D.sas[i];
    const verdict = sa.out + (sa.phase ? " in " + sa.phase : "") + (sa.cat ? " (" + sa.cat + ")" : "");
    const d = el("details", { class: "sa " + sa.out, id: "sa" + i, "data-sa": i },
      el("summary", {}, el("span", { text: "#" + sa.n + " " }), el("span", { class: "out", text: verdict }),
        el("span", { class: "mono", text: " " + sa.ini + " \u21d2 " + sa.res }),
        el("span", { text: " \u00b7 " + sa.messages + " message" + (sa.messages === 1 ? "" : "s") })));
    d.addEventListener("toggle", () => { if (d.open) ladder(d, i, false); });
    return d;
  }
  function srcName(s) { return D.sources[s] || "?"; }
  // Microseconds since the SA's first message (null: a log line without a time).
  function secs(us) { return us === null ? "no time" : (us >= 0 ? "+" : "") + (us / 1e6).toFixed(3); }
  function ladder(box, i, all) {
    if (drawn.has(i) && !all) return;
    drawn.add(i);
    const sa = D.sas[i];
    box.querySelector(".ladder")?.remove();
    const head = el("div", { class: "head" },
      el("div", { text: "IKEv" + sa.v + " " + sa.spi_i + "_i " + sa.spi_r + "_r \u00b7 reached " + sa.reached + " \u00b7 first message " + sa.t0 }),
      D.texts[sa.summary] ? el("div", { text: "Verdict: " + D.texts[sa.summary] }) : null,
      sa.nat ? el("div", { text: "NAT: " + sa.nat }) : null,
      sa.dropped ? el("div", { text: sa.dropped + " further messages not kept (cap reached)" }) : null);
    const names = el("div", { class: "names" },
      el("div", { class: "lane ini" }, "Initiator", el("code", { text: sa.ini })),
      sa.nat_lane ? el("div", { class: "lane nat", text: sa.nat_lane === 2 ? "NAT" : "NAT?", title: sa.nat }) : null,
      el("div", { class: "lane res" }, "Responder", el("code", { text: sa.res })));
    const lanes = el("div", { class: "lanes" }, el("div"), names);
    const ol = el("ol", { class: "rungs" });
    const limit = all ? sa.rows.length : Math.min(sa.rows.length, RUNGS);
    for (let k = 0; k < limit; k++) ol.append(rung(sa, i, k));
    const lad = el("div", { class: "ladder" + (sa.nat_lane ? " nat" : ""), "data-messages": sa.messages }, head, lanes, ol);
    if (limit < sa.rows.length) {
      const more = el("button", { type: "button", class: "more", text: "show all " + sa.rows.length + " rows" });
      more.onclick = () => ladder(box, i, true);
      lad.append(more);
    }
    box.append(lad);
  }
  function rung(sa, i, k) {
    const r = sa.rows[k];
    const fail = sa.fail && sa.fail[0] === k;
    const id = "sa" + i + "-r" + k;
    let li;
    if (r[0] === "m") {
      const [, dir, us, ex, mid, resp, len, pl, flags, src, frame, x] = r;
      const label = el("div", { class: "label" },
        el("span", { class: "x", text: D.exchanges[ex] }), " #" + mid + " " + (resp ? "response" : "request") + " \u00b7 " + len + " B",
        flags & 1 ? el("span", { class: "flag rtx", text: "retransmit" }) : null,
        flags & 2 ? el("span", { class: "flag", text: "4500" }) : null,
        flags & 4 ? el("span", { class: "flag mal", text: "malformed" }) : null,
        el("small", { text: "[ " + D.payloads[pl] + " ]" }));
      if (x) {
        const bits = [];
        if (x.frag) bits.push("fragment " + x.frag[0] + "/" + x.frag[1]);
        if (x.ipf) bits.push("IP-fragmented: " + x.ipf + " frames");
        if (x.addr) bits.push(x.addr);
        if (x.mal) bits.push("malformed: " + x.mal);
        if (x.seen) bits.push("also " + x.seen.map(([s, f]) => srcName(s) + " frame " + f).join(", "));
        if (bits.length) label.append(el("small", { text: bits.join(" \u00b7 ") }));
        if (x.dec) label.append(decrypted(x.dec));
      }
      li = el("li", { class: "rung msg " + (dir ? "ri" : "ir") + (flags & 1 ? " rtx" : ""), id, "data-frame": frame, "data-source": srcName(src) },
        el("span", { class: "t", title: srcName(src) + " frame " + frame + ", " + (us / 1e6).toFixed(6) + " s after the first message" },
          secs(us), el("br"), el("a", { href: "#" + id, text: (multi ? "S" + (src + 1) + " " : "") + "#" + frame })),
        el("div", { class: "stage" }, label, el("div", { class: "arrow" })));
    } else if (r[0] === "l") {
      const [, end, us, src, line, text] = r;
      li = el("li", { class: "rung log " + ["ini", "res", "any"][end], id, "data-line": line, "data-source": srcName(src) },
        el("span", { class: "t", title: srcName(src) + " line " + line }, secs(us), el("br"), el("a", { href: "#" + id, text: (multi ? "S" + (src + 1) + " " : "") + "L" + line })),
        el("div", { class: "stage" }, el("div", { class: "note log", title: srcName(src) + " line " + line + " (click to show it whole)", text })));
      li.querySelector(".note").onclick = (ev) => ev.currentTarget.classList.toggle("full");
    } else if (r[0] === "e") {
      const [, dir, us, spi, packets, bytes, largest, fragmented, first, last, src, udp] = r;
      const text = "ESP SPI " + spi + (udp ? " in UDP" : "") + (dir ? " responder \u2192 initiator: " : " initiator \u2192 responder: ") + packets + " packets, " + bytes + " bytes, largest " + largest + " bytes" + (fragmented ? ", " + fragmented + " fragmented" : "") + ", frames " + first + "-" + last + " (" + srcName(src) + ")";
      li = el("li", { class: "rung sum", id }, el("span", { class: "t", text: secs(us) }), el("div", { class: "stage" }, el("div", { class: "note", text })));
    } else {
      const [, , us, ends, count, longest, first, src] = r;
      const text = "NAT-T keepalives " + ends + ": " + count + ", at most " + (longest / 1000).toFixed(1) + " s apart, from frame " + first + " (" + srcName(src) + ")";
      li = el("li", { class: "rung sum", id }, el("span", { class: "t", text: secs(us) }), el("div", { class: "stage" }, el("div", { class: "note", text })));
    }
    if (fail) {
      li.classList.add("fail");
      li.querySelector(".stage").append(el("div", { class: "failmark", text: "\u2717 failed here: " + D.texts[sa.fail[1]] }));
    }
    return li;
  }
  function decrypted(d) {
    const items = [el("li", { text: "status: " + d.status })];
    if (d.payloads && d.payloads.length) items.push(el("li", { text: "payloads: [ " + d.payloads.join(" ") + " ]" }));
    for (const [k, name] of [["id_i", "IDi"], ["id_r", "IDr"], ["auth_method", "AUTH"]]) if (d[k]) items.push(el("li", { text: name + ": " + d[k] }));
    if (d.notifies && d.notifies.length) items.push(el("li", { text: "notifies: " + d.notifies.join(", ") }));
    if (d.certificates) items.push(el("li", { text: "certificates: " + d.certificates }));
    if (d.ts_i && d.ts_i.length) items.push(el("li", { text: "TSi: " + d.ts_i.join(", ") }));
    if (d.ts_r && d.ts_r.length) items.push(el("li", { text: "TSr: " + d.ts_r.join(", ") }));
    if (d.child_proposals) items.push(el("li", { text: "CHILD_SA proposals: " + d.child_proposals.join(", ") }));
    return el("details", { class: "dec" }, el("summary", { text: "decrypted" }), el("ul", {}, ...items));
  }

  // A link to a rung: show the SA (clearing filters that hide it), draw its ladder, scroll.
  let target = null;
  function reveal(i, row) {
    if (!D.sas[i]) return false;
    let list = shownSas();
    if (!list.includes(i)) { saState.filter = ""; saState.outcome = ""; saState.peer = null; $("sa-filter").value = ""; $("sa-outcome").value = ""; list = shownSas(); }
    const page = Math.floor(list.indexOf(i) / PAGE);
    if (page !== saState.page || !$("sa" + i)) { saState.page = page; drawSas(); }
    const d = $("sa" + i);
    d.open = true;
    ladder(d, i, false);
    let e = row === null ? d : $("sa" + i + "-r" + row);
    if (!e && row !== null) { ladder(d, i, true); e = $("sa" + i + "-r" + row); }
    if (!e) return false;
    if (target) target.classList.remove("target");
    target = e;
    e.classList.add("target");
    e.scrollIntoView({ block: "center" });
    return true;
  }
  function follow(hash) {
    const m = /^#sa(\d+)(?:-r(\d+))?$/.exec(hash);
    return m ? reveal(Number(m[1]), m[2] === undefined ? null : Number(m[2])) : false;
  }
  document.addEventListener("click", (ev) => {
    const a = ev.target.closest && ev.target.closest("a[href^='#sa']");
    if (!a) return;
    const hash = a.getAttribute("href");
    if (follow(hash)) { ev.preventDefault(); history.replaceState(null, "", hash); }
  });
  window.addEventListener("hashchange", () => follow(location.hash));

  $("sa-filter").addEventListener("input", (e) => { saState.filter = e.target.value; saState.page = 0; drawSas(); });
  $("sa-outcome").addEventListener("change", (e) => { saState.outcome = e.target.value; saState.page = 0; drawSas(); });
  $("peer-filter").addEventListener("input", (e) => { peerState.filter = e.target.value; peerState.page = 0; drawPeers(); });
  if (D.peers.length > 0) { $("peers").hidden = false; drawPeers(); }
  if (D.sas.length > 0) {
    $("sas").hidden = false;
    drawSas();
    // A few SAs: every ladder open at once.
    if (D.sas.length <= 3) D.sas.forEach((_, i) => { const d = $("sa" + i); if (d) { d.open = true; ladder(d, i, false); } });
  }
  if (location.hash) follow(location.hash);
  document.body.dataset.ready = "1";
})();
