/* kofu kiosk touch screen. No build step, no external resources, nothing stored in the browser.
 * The server holds the visit (card, PIN, order, money); this page only shows it and sends touches.
 * Every POST carries this page's token (X-Kofu-Token, from <meta name="kofu-token">); the kiosk
 * refuses a POST without it, and a newer page makes it worthless (see kofu.kiosk.guard).
 * Screens, in order: start → service → kind → place → pin → remove → (city) → document → options
 * → copies → confirm → preparing → payment → printing → done; error and cancelled end a visit. */
"use strict";

(() => {
  const T = window.KOFU_TEXT;
  const $ = (id) => document.getElementById(id);
  const TOKEN_HEADER = "X-Kofu-Token";
  const token = () => (document.querySelector('meta[name="kofu-token"]') || {}).content || "";
  const ui = {
    lang: "ja", screen: "start", visit: 0, pin: "", pinNote: null, error: null, busy: false, kind: null,
    cities: [], menu: null, offer: null, draft: null, confirm: null, document: null, change: 0, refund: 0,
    reg: null, state: null, cards: [], lastTouch: Date.now(), lastPing: 0, cashNote: null, slotNote: null, guidance: null,
  };
  const speaker = new window.KofuSpeaker(() => renderSpeaker());
  const VISIT_SCREENS = ["pin", "remove", "city", "register", "registered", "history", "document", "options", "copies", "confirm", "preparing", "payment", "printing", "done"];

  function t(key, params) {
    let text = T[ui.lang][key];
    if (text === undefined) text = T.ja[key] ?? key;
    for (const [k, v] of Object.entries(params || {})) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  }
  const pick = (obj, base) => (obj ? obj[`${base}_${ui.lang}`] ?? obj[`${base}_ja`] : "");
  const yen = (n) => `¥${Number(n || 0).toLocaleString("ja-JP")}`;
  const voice = () => (ui.guidance ? ui.guidance.voices[ui.lang] : (ui.lang === "ja" ? "ja-JP" : "en-US"));
  const phrase = (key) => (ui.guidance && ui.guidance.phrases[key] ? ui.guidance.phrases[key][ui.lang] : "");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "onclick") node.addEventListener("click", v);
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const button = (label, onclick, attrs) => el("button", { type: "button", onclick, ...(attrs || {}) }, label);

  // -- talking to the kiosk -----------------------------------------------------------------------
  class KioskError extends Error {
    constructor(info) { super(info.code); this.info = info; }
  }
  const GENERIC = { code: "kiosk.error", message_ja: "エラーが発生しました。最初からやり直してください。", message_en: "Something went wrong. Please start again.", tries_left: null };

  async function api(method, path, body) {
    let response;
    try {
      const headers = method === "GET" ? {} : { [TOKEN_HEADER]: token() };
      if (body !== undefined) headers["content-type"] = "application/json";
      response = await fetch(path, {
        method, cache: "no-store", credentials: "omit", headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      throw new KioskError({ code: "link.unavailable", message_ja: "端末の処理に接続できません。", message_en: "The kiosk is not answering.", tries_left: null });
    }
    const data = await response.json().catch(() => GENERIC);
    if (!response.ok) throw new KioskError(data);
    if (data.state) applyState(data.state);
    return data;
  }

  function fail(err) {
    ui.error = err instanceof KioskError ? err.info : GENERIC;
    go("error");
  }

  // -- screens ------------------------------------------------------------------------------------
  function go(screen) {
    const changed = screen !== ui.screen;
    ui.screen = screen;
    if (changed) speaker.stopped = false;
    ui.busy = false;
    render();
    $("screen").focus({ preventScroll: true });
    if (changed || screen === "error") guide();
  }

  /* Speak the step, and keep reminding where something must be taken. */
  function guide() {
    const s = ui.screen;
    const text = s === "error" ? pick(ui.error, "message") || phrase("error") : phrase(s);
    speaker.step(text, voice());
    const reminder = reminderFor(s);
    if (reminder) speaker.remind(() => { const key = reminderFor(ui.screen); return key ? { text: phrase(key), voice: voice() } : null; });
  }

  function reminderFor(screen) {
    const s = ui.state;
    if (!s) return null;
    if (["remove", "error", "cancelled", "done"].includes(screen) && s.card.in_slot) return "remove";
    if (screen === "done" || screen === "cancelled" || screen === "error") {
      if (s.tray.length) return "takeDocs";
      if (s.cash.returned > 0) return "takeChange";
    }
    return null;
  }

  async function busy(fn) {
    if (ui.busy) return;
    ui.busy = true;
    renderBusy();
    try { await fn(); } catch (err) { fail(err); }
  }

  function renderBusy() {
    const main = $("screen");
    main.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    if (!main.querySelector(".working")) main.append(el("p", { class: "working", role: "status" }, t("working")));
  }

  function title(text, sub) {
    return [el("h2", { class: "title", id: "screen-title" }, text), sub ? el("p", { class: "sub" }, sub) : null];
  }
  const tile = (big, small, onclick, attrs) => button(
    [el("span", { class: "big" }, big), small ? el("span", { class: "small" }, small) : null], onclick, attrs);
  const stopVoice = () => (reminderFor(ui.screen) && !speaker.stopped
    ? button(t("voiceStop"), () => speaker.stop(), { class: "secondary voice", id: "voice-stop" }) : null);

  const screens = {
    start() {
      return [
        ...title(t("startTitle")),
        el("div", { class: "tiles" },
          tile(t("adminService"), t("adminServiceSub"), () => go("service"), { class: "tile primary", id: "go-admin" }),
          tile(t("copy"), t("notInDemo"), null, { class: "tile", disabled: true }),
          tile(t("print"), t("notInDemo"), null, { class: "tile", disabled: true })),
      ];
    },
    service() {
      return [
        ...title(t("serviceTitle")),
        el("div", { class: "tiles" },
          tile(t("certService"), t("certServiceSub"), () => go("kind"), { class: "tile primary wide", id: "go-cert" }),
          tile(t("historyService"), t("historyServiceSub"), () => { ui.kind = "history"; go("place"); }, { class: "tile wide", id: "go-history" })),
        el("p", { class: "note" }, t("serviceNote")),
        backRow(() => go("start")),
      ];
    },
    kind() {
      const choose = (kind) => () => { ui.kind = kind; go("place"); };
      return [
        ...title(t("kindTitle")),
        el("div", { class: "tiles" },
          tile(t("kindResidence"), t("kindResidenceSub"), choose("residence"), { class: "tile primary wide", id: "kind-residence" }),
          tile(t("kindHonseki"), t("kindHonsekiSub"), choose("honseki"), { class: "tile wide", id: "kind-honseki" })),
        backRow(() => go("service")),
      ];
    },
    place() {
      return [
        ...title(t("placeTitle"), realReader() ? t("placeNoteReader") : t("placeNote")),
        el("div", { class: "reader-art", "aria-hidden": "true" }, el("div", { class: "card-art" }, "My Number Card")),
        backRow(() => go("kind")),
      ];
    },
    pin() {
      const boxes = el("div", { class: "pinboxes", role: "img", "aria-label": `${t("pinAria")}: ${t("pinEntered", { n: ui.pin.length })}`, id: "pin-display" },
        [0, 1, 2, 3].map((i) => el("span", { class: i < ui.pin.length ? "pinbox filled" : "pinbox" }, i < ui.pin.length ? "●" : "")));
      const digit = (d) => button(d, () => typeDigit(d), { class: "key", "data-key": d, "aria-label": t("digit", { d }) });
      const keys = el("div", { class: "keypad", role: "group", "aria-label": t("keypad") },
        ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map(digit),
        button(t("pinClear"), () => { ui.pin = ui.pin.slice(0, -1); render(); }, { class: "key fn", id: "pin-clear" }),
        digit("0"),
        button(t("pinOk"), submitPin, { class: "key ok", id: "pin-ok", disabled: ui.pin.length !== 4 }));
      const note = ui.pinNote
        ? el("p", { class: "pinnote", role: "alert", id: "pin-note" }, pick(ui.pinNote, "message"),
          ui.pinNote.tries_left != null ? `${ui.lang === "en" ? " " : ""}${t("pinTries", { n: ui.pinNote.tries_left })}` : "")
        : null;
      return [...title(t("pinTitle"), t("pinSub")), note, el("div", { class: "pinarea" }, boxes, keys)];
    },
    remove() {
      return [
        ...title(t("removeTitle"), t("removeNote")),
        el("div", { class: "reader-art remove", "aria-hidden": "true" }, el("div", { class: "card-art out" }, "My Number Card")),
        el("div", { class: "actions" }, stopVoice()),
      ];
    },
    city() {
      const missing = ui.kind && !ui.cities.some((c) => c.kind === ui.kind);
      return [
        ...title(t("cityTitle")),
        missing ? el("p", { class: "message info", role: "alert", id: "city-note" }, t("cityMissing")) : null,
        el("div", { class: "tiles" }, ui.cities.map((c) =>
          tile(c.city_name, t(c.kind === "honseki" ? "cityHonseki" : "cityResidence"), () => chooseCity(c.kind),
            { class: "tile primary wide", "data-kind": c.kind, id: `city-${c.kind}` }))),
      ];
    },
    document() {
      const menu = ui.menu;
      const docs = menu ? menu.documents : [];
      return [
        ...title(t("docTitle"), menu ? menu.city_name : null),
        docs.length ? null : el("p", { class: "message info" }, t("noDocs")),
        el("div", { class: "tiles" }, docs.map((offer) => (offer.refusal
          // A rule already refuses this one (e.g. outside its hours): shown greyed, with the reason.
          ? el("div", { class: "tile wide refused", role: "group", "aria-disabled": "true", "data-doc": offer.doc,
            "data-refusal": offer.refusal, "aria-label": `${pick(offer, "title")}: ${t("refusedTile")} ${pick(offer, "refusal") || ""}`.trim() },
          el("span", { class: "big" }, pick(offer, "title")),
          el("span", { class: "small refusal" }, pick(offer, "refusal") || t("refusedTile")),
          offer.hours ? el("span", { class: "small" }, t("hoursNote", { h: offer.hours })) : null)
          : tile(pick(offer, "title"), [t("perCopy", { fee: offer.fee }), offer.hours ? ` · ${t("hoursNote", { h: offer.hours })}` : ""].join(""), () => busy(async () => {
            const data = await api("POST", "/api/document", { doc: offer.doc });
            ui.offer = data.offer; ui.draft = data.draft;
            go(ui.offer.options.length ? "options" : "copies");
          }), { class: "tile primary wide", "data-doc": offer.doc })))),
      ];
    },
    options() {
      const offer = ui.offer;
      const groups = visibleOptions(offer).map((spec, n) => {
        const current = ui.draft.options[spec.name] ?? spec.choices[0];
        const picked = spec.multiple ? current.split(",").filter(Boolean) : [current];
        const labels = ui.lang === "en" ? spec.choice_labels_en : spec.choice_labels_ja;
        // A long list (e.g. household members to choose from) is a column of wide buttons.
        const list = /member|person/i.test(spec.name) || spec.choices.length > 4;
        const choose = (value) => () => {
          if (!spec.multiple) ui.draft.options[spec.name] = value;
          else {
            // Several people may be chosen: each touch adds or removes one (kept in the menu's order).
            const next = picked.includes(value) ? picked.filter((v) => v !== value) : [...picked, value];
            ui.draft.options[spec.name] = spec.choices.filter((c) => next.includes(c)).join(",");
          }
          render();
          const again = document.querySelector(`[data-option="${spec.name}"][data-value="${value}"]`);
          if (again) again.focus();
        };
        return el("fieldset", { class: list ? "optgroup members" : "optgroup", "data-spec": spec.name, "data-multiple": spec.multiple ? "true" : "false" },
          el("legend", { id: `opt-${n}` }, pick(spec, "label")),
          spec.multiple ? el("p", { class: "note" }, t("chooseOneOrMore")) : null,
          el("div", { class: list ? "choices column" : "choices" }, spec.choices.map((value, i) =>
            button(labels[i] ?? value, choose(value), {
              class: spec.multiple ? "choice multi" : "choice", "aria-pressed": picked.includes(value) ? "true" : "false",
              "data-option": spec.name, "data-value": value,
            }))));
      });
      const empty = visibleOptions(offer).some((spec) => spec.multiple && !(ui.draft.options[spec.name] ?? "").length);
      return [
        ...title(t("optionsTitle"), pick(offer, "title")),
        el("div", { class: "optlist" }, groups),
        el("div", { class: "actions" },
          button(t("back"), () => go("document"), { class: "secondary", id: "back" }),
          button(t("next"), () => busy(async () => {
            const data = await api("POST", "/api/options", { options: ui.draft.options });
            ui.draft = data.draft; go("copies");
          }), { class: "primary", id: "next", disabled: empty })),
      ];
    },
    copies() {
      const max = ui.offer.max_copies;
      const n = ui.draft.copies;
      const set = (v) => { ui.draft.copies = Math.max(1, Math.min(max, v)); render(); $(v > n ? "copies-more" : "copies-less").focus(); };
      return [
        ...title(t("copiesTitle"), `${pick(ui.offer, "title")} — ${t("perCopy", { fee: ui.offer.fee })}`),
        el("div", { class: "stepper" },
          button("−", () => set(n - 1), { class: "round", "aria-label": t("copiesLess"), id: "copies-less", disabled: n <= 1 }),
          el("output", { class: "count", id: "copies", "aria-live": "polite" }, t("copiesUnit", { n })),
          button("+", () => set(n + 1), { class: "round", "aria-label": t("copiesMore"), id: "copies-more", disabled: n >= max })),
        el("p", { class: "note center" }, `${t("copiesMax", { n: max })} · ${t("copiesFee", { fee: yen(ui.offer.fee * n) })}`),
        el("div", { class: "actions" },
          button(t("back"), () => go(ui.offer.options.length ? "options" : "document"), { class: "secondary", id: "back" }),
          button(t("next"), () => busy(async () => {
            await api("POST", "/api/copies", { copies: n });
            ui.confirm = await api("GET", "/api/confirm"); go("confirm");
          }), { class: "primary", id: "next" })),
      ];
    },
    confirm() {
      const c = ui.confirm;
      const rows = [[t("confirmDoc"), pick(c, "title")],
        ...c.options.map((o) => [pick(o, "label"), pick(o, "value")]),
        [t("confirmCopies"), t("copiesUnit", { n: c.copies })],
        [t("confirmPerCopy"), yen(c.fee)]];
      return [
        ...title(t("confirmTitle"), t("confirmNote")),
        el("table", { class: "summary" }, el("tbody", {},
          rows.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v))),
          el("tr", { class: "fee" }, el("th", { scope: "row" }, t("confirmFee")), el("td", { id: "fee-total" }, yen(c.fee_total))))),
        el("div", { class: "actions" },
          button(t("back"), () => go("copies"), { class: "secondary", id: "back" }),
          button(t("confirmOk"), () => {
            go("preparing");
            api("POST", "/api/order").then((data) => {
              if (ui.screen === "preparing") { ui.document = data.document; go("payment"); }
            }).catch((err) => { if (ui.screen === "preparing") fail(err); });
          }, { class: "primary", id: "confirm-ok" })),
      ];
    },
    preparing() {
      return [...title(t("preparingTitle"), t("preparingNote")), el("div", { class: "spinner", "aria-hidden": "true" })];
    },
    payment() {
      const fee = ui.document ? ui.document.fee_total : 0;
      const inserted = ui.state ? ui.state.cash.inserted : 0;
      const need = Math.max(0, fee - inserted);
      return [
        ...title(t("payTitle"), ui.document ? `${pick(ui.confirm, "title") || ui.document.title} — ${t("copiesUnit", { n: ui.document.copies })}` : null),
        el("dl", { class: "paybox" },
          el("dt", {}, t("payFee")), el("dd", { id: "pay-fee" }, yen(fee)),
          el("dt", {}, t("payIn")), el("dd", { id: "pay-inserted" }, yen(inserted)),
          el("dt", {}, t("payNeed")), el("dd", { id: "pay-need", class: need ? "need" : "ok" }, yen(need)),
          el("dt", {}, t("payChange")), el("dd", { id: "pay-change" }, yen(Math.max(0, inserted - fee)))),
        el("p", { class: "note center", id: "pay-note" }, need ? t("payNote") : t("payReady")),
        el("div", { class: "actions" },
          button(t("payPrint"), () => {
            go("printing");
            const started = Date.now();
            api("POST", "/api/pay").then((data) => {
              // Keep the printing screen up a moment, as a real print engine would.
              setTimeout(() => { if (ui.screen === "printing") { ui.change = data.change; go("done"); } }, Math.max(0, 1200 - (Date.now() - started)));
            }).catch((err) => { if (ui.screen === "printing") fail(err); });
          }, { class: "primary", id: "pay", disabled: need > 0 })),
      ];
    },
    printing() {
      const copies = ui.document ? ui.document.copies : 1;
      return [...title(t("printingTitle"), t("printingNote", { n: copies })),
        el("div", { class: "progress", role: "progressbar", "aria-label": t("printingTitle"), "aria-valuetext": t("printingTitle") },
          el("div", { class: "bar" })),
        el("div", { class: "spinner", "aria-hidden": "true" })];
    },
    done() {
      const s = ui.state;
      const docsLeft = Boolean(s && s.tray.length);
      const changeLeft = Boolean(s && s.cash.returned > 0);
      return [
        ...title(t("doneTitle"), t("doneNote")),
        el("ul", { class: "checklist" },
          el("li", { class: docsLeft ? "todo" : "ok", id: "check-docs" }, docsLeft ? t("checkDocs") : t("checkDocsOk")),
          el("li", { class: changeLeft ? "todo" : "ok", id: "check-change" }, changeLeft ? t("checkChange") : t("checkChangeOk"))),
        el("p", { class: "bigfigure", id: "change" }, t("doneChange", { n: ui.change })),
        el("div", { class: "actions" }, stopVoice(),
          button(t("finish"), () => backToStart(), { class: "primary", id: "finish", disabled: docsLeft || changeLeft })),
      ];
    },
    error() {
      const e = ui.error || {};
      const inSlot = Boolean(ui.state && ui.state.card.in_slot);
      return [
        ...title(t("errorTitle")),
        el("p", { class: "message", role: "alert", id: "error-message", "data-code": e.code || "" }, pick(e, "message") || ""),
        el("p", { class: "code" }, e.code ? `(${e.code})` : ""),
        inSlot ? el("p", { class: "note strong", id: "take-card" }, t("takeCard")) : null,
        el("div", { class: "actions" }, stopVoice(),
          button(t("backToStart"), () => backToStart(), { class: "primary", id: "back-to-start" })),
      ];
    },
    cancelled() {
      return [
        ...title(t("cancelledTitle")),
        ui.error ? el("p", { class: "message info", id: "cancel-reason", "data-code": ui.error.code }, pick(ui.error, "message")) : null,
        ui.refund ? el("p", { class: "message info", id: "refund" }, t("refunded", { n: ui.refund })) : null,
        el("div", { class: "actions" }, stopVoice(),
          button(t("backToStart"), () => { resetUi(); go("start"); }, { class: "primary", id: "back-to-start" })),
      ];
    },
  };

  /* Options that apply with the others' current values (OptionSpec.shown_when). */
  function visibleOptions(offer) {
    return offer.options.filter((spec) => Object.entries(spec.shown_when || {}).every(
      ([name, value]) => (ui.draft.options[name] ?? "") === value));
  }

  function regInput(id, key, label, hint, max) {
    const input = el("input", { id, type: "text", class: "bigfield", value: ui.reg[key], maxlength: String(max),
      autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-hint` });
    input.addEventListener("input", () => { ui.reg[key] = input.value; const next = $("reg-next"); if (next) next.disabled = !regFilled(); });
    return el("div", { class: "field" },
      el("label", { for: id }, label), input,
      el("p", { class: "hint", id: `${id}-hint` }, hint),
      button(t("regClear"), () => { ui.reg[key] = ""; render(); $(id).focus(); }, { class: "secondary small", id: `${id}-clear`, "aria-label": `${label}: ${t("regClear")}` }));
  }
  const regFilled = () => Boolean(ui.reg && ui.reg.honseki.trim() && ui.reg.hittosha.trim());

  Object.assign(screens, {
    register() {
      const r = ui.reg;
      if (r.step === "city") {
        return [
          ...title(t("regCityTitle"), t("regNeeded")),
          r.cities.length ? null : el("p", { class: "message info" }, t("regNoCities")),
          el("div", { class: "tiles" }, r.cities.map((c) => tile(c.city_name, null,
            () => { r.city = c; r.step = "form"; render(); $("reg-honseki").focus(); },
            { class: "tile primary wide", id: `reg-city-${c.city_code}`, "data-city": c.city_code }))),
          el("div", { class: "actions" },
            residenceButton()),
        ];
      }
      if (r.step === "form") {
        return [
          ...title(t("regFormTitle"), `${t("regCity")}: ${r.city.city_name}`),
          el("div", { class: "regform" },
            regInput("reg-honseki", "honseki", t("regHonseki"), t("regHonsekiHint"), 120),
            regInput("reg-hittosha", "hittosha", t("regHittosha"), t("regHittoshaHint"), 60)),
          el("div", { class: "actions" },
            button(t("back"), () => { r.step = "city"; render(); }, { class: "secondary", id: "back" }),
            button(t("next"), () => { r.step = "confirm"; render(); }, { class: "primary", id: "reg-next", disabled: !regFilled() })),
        ];
      }
      return [
        ...title(t("regConfirmTitle")),
        el("table", { class: "summary" }, el("tbody", {},
          [[t("regCity"), r.city.city_name], [t("regHonseki"), r.honseki.trim()], [t("regHittosha"), r.hittosha.trim()]]
            .map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v))))),
        el("div", { class: "actions" },
          button(t("back"), () => { r.step = "form"; render(); }, { class: "secondary", id: "back" }),
          button(t("regSend"), () => busy(async () => {
            const data = await api("POST", "/api/registration", { city_code: r.city.city_code, honseki: r.honseki, hittosha: r.hittosha });
            ui.reg = { result: data.registration };
            go("registered");
          }), { class: "primary", id: "reg-send" })),
      ];
    },
    registered() {
      const done = ui.reg.result;
      return [
        ...title(t("regDoneTitle"), t("regDoneNote")),
        el("dl", { class: "paybox", id: "reg-result", "data-status": done.status },
          el("dt", {}, t("regCity")), el("dd", {}, done.city_name),
          el("dt", {}, t("regNumber")), el("dd", { id: "reg-number" }, String(done.registration_id))),
        el("div", { class: "actions" },
          residenceButton(),
          button(t("finish"), () => backToStart(), { class: "primary", id: "finish" })),
      ];
    },
  });

  Object.assign(screens, {
    history() {
      const entries = ui.history || [];
      return [
        ...title(t("historyTitle"), t("historyNote")),
        entries.length
          ? el("table", { class: "summary", id: "history" },
            el("thead", {}, el("tr", {}, ["historyDate", "historyDoc", "historyStore", "historyCity"].map((k) => el("th", { scope: "col" }, t(k))))),
            el("tbody", {}, entries.map((e) => el("tr", { class: "history-entry", "data-doc": e.doc },
              el("td", {}, e.date), el("td", {}, `${pick(e, "title")}${e.named ? t("historyNamed") : ""}`),
              el("td", { class: "history-store" }, el("span", { class: "store-name" }, e.store),
                e.chain ? el("span", { class: "store-chain" }, `（${e.chain}）`) : null),
              el("td", {}, e.city)))))
          : el("p", { class: "message info", id: "history-none" }, t("historyNone")),
        el("div", { class: "actions" }, stopVoice(),
          button(t("finish"), () => backToStart(), { class: "primary", id: "finish" })),
      ];
    },
  });

  async function showHistory() {
    await busy(async () => {
      const data = await api("GET", "/api/history");
      ui.history = data.entries;
      go("history");
    });
  }

  function residenceButton() {
    return ui.cities.some((c) => c.kind === "residence")
      ? button(t("regResidence"), () => chooseCity("residence"), { class: "secondary", id: "reg-residence" }) : null;
  }

  async function startRegistration() {
    await busy(async () => {
      const data = await api("GET", "/api/registration/cities");
      ui.reg = { step: "city", cities: data.cities, city: null, honseki: "", hittosha: "", result: null };
      go("register");
    });
  }

  function backRow(onBack) {
    return el("div", { class: "actions" }, button(t("back"), onBack, { class: "secondary", id: "back" }));
  }

  function render() {
    const main = $("screen");
    main.dataset.screen = ui.screen;
    main.setAttribute("aria-labelledby", "screen-title");
    main.replaceChildren(...screens[ui.screen]().filter(Boolean));
    $("step").textContent = T[ui.lang].steps[ui.screen] || "";
    renderDevices();
    renderIdle();
  }

  // -- steps that talk to the kiosk ---------------------------------------------------------------
  function typeDigit(d) {
    if (ui.screen !== "pin" || ui.busy || ui.pin.length >= 4) return;
    ui.pin += d; ui.pinNote = null; render();
    const key = document.querySelector(`.keypad [data-key="${d}"]`);
    if (key) key.focus();
  }

  async function submitPin() {
    if (ui.pin.length !== 4) return;
    const pin = ui.pin;
    ui.pin = "";
    await busy(async () => {
      let data;
      try {
        data = await api("POST", "/api/pin", { pin });
      } catch (err) {
        if (err instanceof KioskError && (err.info.code === "card.pin.wrong" || err.info.code === "card.pin.format")) {
          ui.pinNote = err.info; ui.busy = false; render(); $("screen").focus();
          speaker.step(`${phrase("pinWrong")} ${err.info.tries_left != null ? t("pinTries", { n: err.info.tries_left }) : ""}`, voice());
          return;
        }
        throw err;
      }
      ui.cities = data.cities;
      go("remove");
      afterCardTaken();
    });
  }

  async function afterCardTaken() {
    // The kiosk asks for the card back before anything is chosen, so it is not forgotten.
    if (ui.screen !== "remove" || !ui.state || ui.state.card.in_slot || ui.busy) return;
    if (ui.kind === "history") { await showHistory(); return; }
    const wanted = ui.cities.find((c) => c.kind === (ui.kind || "residence"));
    if (wanted) await chooseCity(wanted.kind);
    else if (ui.kind === "honseki") await startRegistration();  // no 本籍地 city yet: offer 利用登録
    else go("city");
  }

  async function chooseCity(kind) {
    await busy(async () => {
      const data = await api("POST", "/api/city", { kind });
      ui.menu = data.menu;
      go("document");
    });
  }

  async function backToStart() {
    try { await api("POST", "/api/cancel"); } catch (_) { /* the screen goes back either way */ }
    resetUi();
    go("start");
  }

  async function cancelVisit() {
    if (!VISIT_SCREENS.includes(ui.screen) && !(ui.state && ui.state.card.in_slot)) { resetUi(); go("start"); return; }
    try {
      const data = await api("POST", "/api/cancel");
      resetUi();
      ui.refund = data.refund;
      go("cancelled");
    } catch (err) { resetUi(); fail(err); }
  }

  function resetUi() {
    Object.assign(ui, { pin: "", pinNote: null, error: null, menu: null, reg: null, offer: null, draft: null, cities: [],
      confirm: null, document: null, change: 0, refund: 0, kind: null, visit: 0 });
  }

  // -- state from the kiosk, inactivity ---------------------------------------------------------------
  function applyState(state) {
    if (!state || state.busy) return;
    const previous = ui.state;
    ui.state = state;
    const ended = state.ended;
    if (ended && ended.visit === ui.visit && ui.visit > 0 && !["start", "error", "cancelled"].includes(ui.screen)) {
      const info = { code: ended.code, message_ja: ended.message_ja, message_en: ended.message_en, tries_left: null };
      resetUi();
      ui.error = info;
      ui.refund = ended.refund || 0;
      go(ended.code === "card.removed" ? "error" : "cancelled");
      return;
    }
    const cashMoved = previous && (previous.cash.inserted !== state.cash.inserted || previous.cash.returned !== state.cash.returned);
    const trayMoved = previous && previous.tray.length !== state.tray.length;
    if ((ui.screen === "payment" && cashMoved) || (ui.screen === "done" && (cashMoved || trayMoved))) render();
    else { renderDevices(); renderIdle(); }
  }

  function renderIdle() {
    const box = $("idle-warning");
    const s = ui.state;
    const left = s && s.idle_left != null && VISIT_SCREENS.includes(ui.screen) ? s.idle_left : null;
    const warn = left !== null && left <= Math.max(2, Math.min(20, s.idle_timeout / 3));
    if (warn && box.hidden) speaker.say(phrase("idle"), voice());
    box.hidden = !warn;
    if (warn) $("idle-text").textContent = t("idleText", { n: Math.ceil(left) });
  }

  function touched() {
    ui.lastTouch = Date.now();
    // Tell the kiosk the resident is still there (at most every 3 s); only during a visit.
    if (VISIT_SCREENS.includes(ui.screen) && Date.now() - ui.lastPing > 3000 && !ui.busy) {
      ui.lastPing = Date.now();
      fetch("/api/touch", { method: "POST", cache: "no-store", credentials: "omit", headers: { [TOKEN_HEADER]: token() } }).catch(() => {});
    }
  }

  // -- the simulated devices --------------------------------------------------------------------------
  function renderDevices() {
    const s = ui.state;
    const inSlot = Boolean(s && s.card.in_slot);
    $("card-place").disabled = inSlot || ui.screen !== "place" || ui.busy || !ui.cards.length;
    $("card-take").disabled = !inSlot;
    const reader = realReader();
    if (reader) {
      // A real PC/SC reader: its name and what pcscd says, no demo-card picker.
      const state = reader.status !== "ok" ? t("readerUnavailable") : reader.present ? t("readerPresent") : t("readerEmpty");
      $("reader-name").textContent = reader.name;
      $("reader-state").textContent = state;
      $("slot-status").textContent = ui.slotNote || t("readerStatus", { name: reader.name, state });
      $("slot-light").className = reader.present ? "light on" : "light";
    } else {
      $("slot-status").textContent = ui.slotNote || (inSlot ? t("slotHas", { label: s.card.label }) : `${t("slotEmpty")} ${t("slotHint")}`);
      $("slot-light").className = inSlot ? "light on" : "light";
    }
    const canPay = Boolean(s && s.phase === "ordered") && ui.screen === "payment";
    document.querySelectorAll("#cash-buttons button").forEach((b) => { b.disabled = !canPay; });
    $("cash-inserted").textContent = yen(s ? s.cash.inserted : 0);
    $("cash-returned").textContent = yen(s ? s.cash.returned : 0);
    $("cash-take").disabled = !(s && s.cash.returned > 0);
    $("cash-status").textContent = ui.cashNote || (canPay ? t("cashNow") : t("cashHint"));
    const tray = $("tray");
    const sheets = s ? s.tray : [];
    tray.replaceChildren(...(sheets.length
      ? sheets.map((sheet) => el("li", {}, el("a", { href: `/api/tray/${sheet.id}`, target: "_blank", rel: "noopener noreferrer", class: "sheet", "data-sheet": sheet.id },
        t("sheet", { title: sheet.title, copies: sheet.copies }))))
      : [el("li", { class: "empty" }, t("trayEmpty"))]));
    $("tray-take").disabled = !sheets.length;
  }

  function realReader() {
    const s = ui.state;
    return s && s.card.reader && s.card.reader.kind === "pcsc" ? s.card.reader : null;
  }

  /* PC/SC: a card put on the reader at the "place your card" step starts the visit by itself. */
  async function readFromReader() {
    const reader = realReader();
    if (ui.screen !== "place" || ui.busy || !reader || !reader.present || ui.state.card.in_slot) return;
    ui.slotNote = null;
    await busy(async () => {
      const data = await api("POST", "/api/card/read");
      ui.visit = data.visit;
      go("pin");
    });
  }

  function renderSpeaker() {
    const last = speaker.spoken[speaker.spoken.length - 1];
    $("speaker-now").textContent = last ? last.text : t("speakerIdle");
    $("speaker-voice").textContent = speaker.hasVoice(voice()) ? t("speakerVoice", { v: voice() }) : t("speakerNoVoice", { v: voice() });
    $("speaker-log").replaceChildren(...speaker.spoken.slice(-4, -1).reverse().map((p) => el("li", {}, p.reminder ? `↻ ${p.text}` : p.text)));
    $("speaker-stop").disabled = !speaker.reminding;
    const onScreen = $("voice-stop");
    if (onScreen && speaker.stopped) onScreen.remove();
  }

  function fillCards() {
    const select = $("card-select");
    const keep = select.value;
    select.replaceChildren(...(ui.cards.length
      ? ui.cards.map((c) => el("option", { value: c.card }, `${c.card} · ${c.name}`))
      : [el("option", { value: "" }, t("noCards"))]));
    if (keep) select.value = keep;
    showCardDetail();
  }

  function showCardDetail() {
    // Label, holder and city only: the kiosk never serves a PIN (`kofu up` and `kofu cards` list them).
    const card = ui.cards.find((c) => c.card === $("card-select").value);
    $("card-detail").replaceChildren(...(card ? [card.city_name, el("br"), el("span", { class: "traits" }, t("pinWhere"))] : []));
  }

  function setupDevices() {
    const cash = $("cash-buttons");
    for (const amount of [10, 50, 100, 500, 1000, 2000, 5000, 10000]) {
      cash.append(button(yen(amount), async () => {
        try { await api("POST", "/api/cash", { amount }); ui.cashNote = null; } catch (err) { ui.cashNote = pick(err.info || {}, "message") || ""; }
        renderDevices();
      }, { class: amount >= 1000 ? "money note" : "money coin", "data-amount": String(amount), "aria-label": "" }));
    }
    $("card-place").addEventListener("click", async () => {
      const label = $("card-select").value;
      if (!label || ui.screen !== "place") return;
      ui.slotNote = null;
      await busy(async () => {
        const data = await api("POST", "/api/card/place", { card: label });
        ui.visit = data.visit;
        go("pin");
      });
    });
    $("card-take").addEventListener("click", async () => {
      try {
        await api("POST", "/api/card/remove");
      } catch (err) { ui.slotNote = pick(err.info || {}, "message"); renderDevices(); return; }
      const s = ui.state;
      if (s && s.ended && s.ended.visit === ui.visit) return;  // applyState showed why the visit ended
      if (ui.screen === "remove") afterCardTaken();
      else render();
    });
    $("card-select").addEventListener("change", showCardDetail);
    $("cash-take").addEventListener("click", () => api("POST", "/api/cash/take").then(() => render()).catch(() => {}));
    $("tray-take").addEventListener("click", () => api("POST", "/api/tray/take").then(() => render()).catch(() => {}));
    $("speaker-stop").addEventListener("click", () => speaker.stop());
    $("idle-continue").addEventListener("click", async () => {
      ui.lastPing = Date.now();
      try { await api("POST", "/api/touch"); } catch (_) { /* the next poll shows what happened */ }
      $("idle-warning").hidden = true;
      $("screen").focus();
    });
  }

  function labelMoney() {
    document.querySelectorAll("#cash-buttons button").forEach((b) => b.setAttribute("aria-label", t("insertAria", { amount: Number(b.dataset.amount).toLocaleString("ja-JP") })));
  }

  function applyLanguage() {
    document.documentElement.lang = ui.lang;
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
    const lang = $("lang");
    lang.textContent = t("langOther");
    lang.lang = ui.lang === "ja" ? "en" : "ja";
    lang.setAttribute("aria-label", ui.lang === "ja" ? "Switch to English" : "日本語に切り替える");
    showClock();
    labelMoney();
    fillCards();
    render();
    renderSpeaker();
  }

  // The kiosk's own clock, in Japan time: the page never reads the browser's clock or zone for it.
  function showClock() {
    if (ui.clock) $("clock").textContent = ui.clock[ui.lang] || ui.clock.ja;
  }

  async function poll() {
    try {
      const state = await api("GET", "/api/state");
      if (state.clock) ui.clock = state.clock;  // read anew on every poll, also while a step runs
      applyState(state);
    } catch (_) { /* try again next tick */ }
    if (ui.screen === "remove" && ui.state && !ui.state.card.in_slot && !ui.busy) afterCardTaken();
    if (ui.screen === "place") readFromReader();
    // Screens before a card is placed have no visit on the kiosk; the page returns to start itself.
    const idleMs = (ui.state ? ui.state.idle_timeout : Number(document.body.dataset.idleTimeout || "120")) * 1000;
    if (!["start", "error", "cancelled", ...VISIT_SCREENS].includes(ui.screen) && Date.now() - ui.lastTouch > idleMs) {
      resetUi(); go("start");
    }
    showClock();
  }

  document.addEventListener("DOMContentLoaded", async () => {
    document.addEventListener("pointerdown", touched, true);
    document.addEventListener("keydown", (event) => {
      touched();
      if (ui.screen !== "pin" || event.altKey || event.ctrlKey || event.metaKey) return;
      if (/^[0-9]$/.test(event.key)) { event.preventDefault(); typeDigit(event.key); }
      else if (event.key === "Backspace") { event.preventDefault(); ui.pin = ui.pin.slice(0, -1); render(); }
    }, true);
    // Closing or reloading the page ends the visit on the kiosk (refund; documents retained).
    // A beacon cannot set headers: the token is its body (text/plain), which /api/leave checks.
    window.addEventListener("pagehide", () => { navigator.sendBeacon("/api/leave", new Blob([token()], { type: "text/plain" })); });
    $("lang").addEventListener("click", () => { ui.lang = ui.lang === "ja" ? "en" : "ja"; applyLanguage(); guide(); });
    $("cancel").addEventListener("click", cancelVisit);
    setupDevices();
    try { ui.guidance = await api("GET", "/api/guidance"); speaker.remindMs = ui.guidance.remind_seconds * 1000; } catch (_) { ui.guidance = null; }
    applyLanguage();
    try { ui.cards = (await api("GET", "/api/device/cards")).cards; } catch (_) { ui.cards = []; }
    fillCards();
    await poll();
    const s = ui.state;
    if (s && s.ended && s.ended.code === "kiosk.page.left" && s.cash.returned > 0) {
      // The last page left a visit open: say so, and where the money is.
      ui.error = { code: s.ended.code, message_ja: s.ended.message_ja, message_en: s.ended.message_en };
      ui.refund = s.cash.returned;
      go("cancelled");
    } else {
      go("start");
      guide();
    }
    if ("speechSynthesis" in window) window.speechSynthesis.addEventListener("voiceschanged", renderSpeaker);
    setInterval(poll, 1000);
    document.body.dataset.ready = "true";
  });
})();
