/* kofu kiosk touch screen. No build step, no external resources, nothing stored in the browser.
 * The server holds the visit (card, PIN, order, money); this page only shows it and sends touches. */
"use strict";

(() => {
  const T = {
    ja: {
      copierTitle: "マルチコピー機 タッチパネル", brand: "マルチコピー機", cancel: "やめる", langOther: "English",
      kioskId: "端末", devicesTitle: "デバイスパネル（シミュレーション）",
      devicesNote: "実際の店舗では、ここはカードリーダー・現金ユニット・プリンタです。このデモでは画面上のボタンで操作します。",
      slotTitle: "カードリーダー（模擬）", cardSelect: "デモ用マイナンバーカード", cardPlace: "カードを置く",
      cardTake: "カードを取る", slotEmpty: "カードは置かれていません。", slotHas: "カード {label} が置かれています。",
      slotHint: "画面が「カードを置いてください」のときに置けます。",
      cashTitle: "現金ユニット（模擬）", inserted: "投入金額", returned: "おつり・返却", takeChange: "おつりを取る",
      insertAria: "{amount}円を入れる", cashHint: "お支払いの画面で使えます。",
      trayTitle: "取り出し口（模擬プリンタ）", takeDocs: "証明書を取る", trayEmpty: "証明書はありません。",
      sheet: "{title}（{copies}通）PDFを開く", noCards: "デモカードがありません（kofu up で作成されます）",
      pinDemo: "デモ用暗証番号", yen: "¥{n}",
      // screens
      startTitle: "サービスを選んでください", adminService: "行政サービス", adminServiceSub: "証明書の交付など",
      copy: "コピー", print: "プリント", notInDemo: "このデモでは使えません",
      serviceTitle: "行政サービス", certService: "証明書交付サービス",
      certServiceSub: "マイナンバーカードで住民票の写しなどを取得できます",
      serviceNote: "ご利用時間 6:30〜23:00（12月29日〜1月3日を除く）",
      placeTitle: "マイナンバーカードをカードリーダーに置いてください",
      placeNote: "右のデバイスパネルでカードを選び「カードを置く」を押してください。",
      kindTitle: "取得する証明書の種類を選んでください", kindResidence: "お住まいの市区町村の証明書",
      kindResidenceSub: "住民票の写し など", kindHonseki: "本籍地の証明書",
      kindHonsekiNote: "本籍地の証明書（戸籍・附票）は準備中のため、現在は選べません。",
      pinTitle: "暗証番号（数字4桁）を入力してください",
      pinSub: "利用者証明用電子証明書の暗証番号です。", pinEntered: "{n}桁入力済み",
      pinClear: "訂正", pinOk: "確定", pinTries: "あと{n}回間違えるとカードがロックされます。",
      pinAria: "入力した暗証番号", working: "処理中です。しばらくお待ちください…",
      removeTitle: "カードをお取りください", removeNote: "カードをカードリーダーからお取りください。カードを取ると次に進みます。",
      docTitle: "証明書を選んでください", perCopy: "1通 ¥{fee}",
      optionsTitle: "記載事項を選んでください", next: "次へ", back: "戻る",
      copiesTitle: "部数を選んでください", copiesUnit: "{n}通", copiesMax: "最大{n}通まで",
      copiesLess: "1通減らす", copiesMore: "1通増やす",
      confirmTitle: "内容を確認してください", confirmDoc: "証明書", confirmCopies: "部数",
      confirmFee: "料金", confirmOk: "発行する",
      preparingTitle: "証明書を準備しています", preparingNote: "市区町村から証明書を受け取っています。しばらくお待ちください。",
      payTitle: "料金をお支払いください", payFee: "料金", payIn: "投入金額", payNeed: "不足金額",
      payNote: "右の現金ユニットで硬貨・紙幣を入れてください。", payPrint: "印刷する",
      printingTitle: "印刷しています", printingNote: "印刷が終わるまでお待ちください。",
      doneTitle: "証明書とおつりをお取りください",
      doneNote: "取り出し口から証明書をお取りください。カード・証明書・おつりのお取り忘れにご注意ください。",
      doneChange: "おつり ¥{n}", finish: "終了する",
      errorTitle: "証明書を発行できません", backToStart: "最初の画面に戻る",
      cancelledTitle: "手続きを中止しました", refunded: "¥{n} をお返ししました。おつり・返却口からお取りください。",
      takeCard: "カードをお取りください。",
      steps: { place: "1 カード", kind: "2 種類", pin: "3 暗証番号", remove: "4 カード返却", document: "5 証明書",
        options: "6 記載事項", copies: "7 部数", confirm: "8 確認", payment: "9 支払い", printing: "10 印刷", done: "11 受け取り" },
    },
    en: {
      copierTitle: "Multifunction copier touch screen", brand: "Multifunction copier", cancel: "Cancel", langOther: "日本語",
      kioskId: "Kiosk", devicesTitle: "Device panel (simulated)",
      devicesNote: "In a real store these are the card reader, cash unit and printer. In this demo you use buttons.",
      slotTitle: "Card reader (simulated)", cardSelect: "Demo My Number Card", cardPlace: "Place card",
      cardTake: "Take card back", slotEmpty: "No card on the reader.", slotHas: "Card {label} is on the reader.",
      slotHint: "You can place it when the screen asks for the card.",
      cashTitle: "Cash unit (simulated)", inserted: "Inserted", returned: "Change / returned", takeChange: "Take change",
      insertAria: "Insert {amount} yen", cashHint: "Used on the payment screen.",
      trayTitle: "Output tray (simulated printer)", takeDocs: "Take documents", trayEmpty: "No documents.",
      sheet: "{title} ({copies} copies) open PDF", noCards: "No demo cards (kofu up creates them)",
      pinDemo: "demo PIN", yen: "¥{n}",
      startTitle: "Choose a service", adminService: "Government services", adminServiceSub: "Certificates and more",
      copy: "Copy", print: "Print", notInDemo: "Not in this demo",
      serviceTitle: "Government services", certService: "Certificate issuance",
      certServiceSub: "Get a copy of your residence record and more with your My Number Card",
      serviceNote: "Service hours 6:30–23:00 (except 29 Dec – 3 Jan)",
      placeTitle: "Place your My Number Card on the card reader",
      placeNote: "In the device panel on the right, choose a card and press “Place card”.",
      kindTitle: "Which documents do you need?", kindResidence: "Documents of the city where you live",
      kindResidenceSub: "Certificate of residence, etc.", kindHonseki: "Documents of your registered domicile (honseki)",
      kindHonsekiNote: "Family register documents of your registered domicile are not available yet.",
      pinTitle: "Enter your 4-digit PIN",
      pinSub: "The PIN of your user authentication certificate.", pinEntered: "{n} digits entered",
      pinClear: "Delete", pinOk: "OK", pinTries: "{n} tries left before the card is locked.",
      pinAria: "PIN entered", working: "Working, please wait…",
      removeTitle: "Please take your card", removeNote: "Take your card from the card reader. The next step starts when the card is taken.",
      docTitle: "Choose a document", perCopy: "¥{fee} per copy",
      optionsTitle: "Choose what the document shows", next: "Next", back: "Back",
      copiesTitle: "How many copies?", copiesUnit: "{n} copies", copiesMax: "Up to {n} copies",
      copiesLess: "One copy less", copiesMore: "One copy more",
      confirmTitle: "Please check your order", confirmDoc: "Document", confirmCopies: "Copies",
      confirmFee: "Fee", confirmOk: "Issue",
      preparingTitle: "Preparing your document", preparingNote: "Receiving the document from the city. Please wait.",
      payTitle: "Please pay the fee", payFee: "Fee", payIn: "Inserted", payNeed: "Still needed",
      payNote: "Insert coins or notes in the cash unit on the right.", payPrint: "Print",
      printingTitle: "Printing", printingNote: "Please wait until printing has finished.",
      doneTitle: "Please take your documents and change",
      doneNote: "Take your documents from the tray. Do not forget your card, documents and change.",
      doneChange: "Change ¥{n}", finish: "Finish",
      errorTitle: "The document cannot be issued", backToStart: "Back to the start",
      cancelledTitle: "The service was cancelled", refunded: "¥{n} was returned. Please take it from the change tray.",
      takeCard: "Please take your card.",
      steps: { place: "1 Card", kind: "2 Type", pin: "3 PIN", remove: "4 Take card", document: "5 Document",
        options: "6 Details", copies: "7 Copies", confirm: "8 Check", payment: "9 Pay", printing: "10 Print", done: "11 Take" },
    },
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    lang: "ja", screen: "start", visit: 0, pin: "", pinNote: null, error: null, busy: false,
    menu: null, offer: null, draft: null, confirm: null, document: null, change: 0, refund: 0,
    state: null, cards: [], lastTouch: Date.now(), cashNote: null, slotNote: null,
  };
  const idleTimeout = Number(document.body.dataset.idleTimeout || "120") * 1000;

  function t(key, params) {
    let text = T[ui.lang][key];
    if (text === undefined) text = T.ja[key] ?? key;
    for (const [k, v] of Object.entries(params || {})) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  }
  const pick = (obj, base) => obj[`${base}_${ui.lang}`] ?? obj[`${base}_ja`];
  const yen = (n) => `¥${Number(n || 0).toLocaleString("ja-JP")}`;

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

  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method, cache: "no-store", credentials: "omit",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      throw new KioskError({ code: "link.unavailable", message_ja: "端末の処理に接続できません。", message_en: "The kiosk is not answering.", tries_left: null });
    }
    const data = await response.json().catch(() => ({ code: "kiosk.error", message_ja: "エラーが発生しました。", message_en: "Something went wrong.", tries_left: null }));
    if (!response.ok) throw new KioskError(data);
    if (data.state) applyState(data.state);
    return data;
  }

  function fail(err) {
    const info = err instanceof KioskError ? err.info : { code: "kiosk.error", message_ja: "エラーが発生しました。", message_en: "Something went wrong.", tries_left: null };
    ui.error = info;
    go("error");
  }

  // -- screens ------------------------------------------------------------------------------------
  function go(screen) {
    ui.screen = screen;
    ui.busy = false;
    render();
    $("screen").focus({ preventScroll: true });
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
    return [el("h2", { class: "title" }, text), sub ? el("p", { class: "sub" }, sub) : null];
  }

  const screens = {
    start() {
      return [
        ...title(t("startTitle")),
        el("div", { class: "tiles" },
          button([el("span", { class: "big" }, t("adminService")), el("span", { class: "small" }, t("adminServiceSub"))],
            () => go("service"), { class: "tile primary", id: "go-admin" }),
          button([el("span", { class: "big" }, t("copy")), el("span", { class: "small" }, t("notInDemo"))], null, { class: "tile", disabled: true }),
          button([el("span", { class: "big" }, t("print")), el("span", { class: "small" }, t("notInDemo"))], null, { class: "tile", disabled: true }),
        ),
      ];
    },
    service() {
      return [
        ...title(t("serviceTitle")),
        el("div", { class: "tiles" },
          button([el("span", { class: "big" }, t("certService")), el("span", { class: "small" }, t("certServiceSub"))],
            () => go("place"), { class: "tile primary wide", id: "go-cert" })),
        el("p", { class: "note" }, t("serviceNote")),
      ];
    },
    place() {
      return [
        ...title(t("placeTitle"), t("placeNote")),
        el("div", { class: "reader-art", "aria-hidden": "true" }, el("div", { class: "card-art" }, "My Number Card")),
      ];
    },
    kind() {
      return [
        ...title(t("kindTitle")),
        el("div", { class: "tiles" },
          button([el("span", { class: "big" }, t("kindResidence")), el("span", { class: "small" }, t("kindResidenceSub"))],
            () => { ui.kind = "residence"; ui.pin = ""; ui.pinNote = null; go("pin"); }, { class: "tile primary wide", id: "kind-residence" }),
          button([el("span", { class: "big" }, t("kindHonseki")), el("span", { class: "small" }, t("notInDemo"))],
            null, { class: "tile wide", disabled: true, id: "kind-honseki", "aria-describedby": "honseki-note" })),
        el("p", { class: "note", id: "honseki-note" }, t("kindHonsekiNote")),
      ];
    },
    pin() {
      const boxes = el("div", { class: "pinboxes", role: "img", "aria-label": `${t("pinAria")}: ${t("pinEntered", { n: ui.pin.length })}`, id: "pin-display" },
        [0, 1, 2, 3].map((i) => el("span", { class: i < ui.pin.length ? "pinbox filled" : "pinbox" }, i < ui.pin.length ? "●" : "")));
      const digit = (d) => button(d, () => { if (ui.pin.length < 4) { ui.pin += d; ui.pinNote = null; render(); } }, { class: "key", "data-key": d });
      const keys = el("div", { class: "keypad" },
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
      ];
    },
    document() {
      const menu = ui.menu;
      return [
        ...title(t("docTitle"), menu ? menu.city_name : null),
        el("div", { class: "tiles" }, (menu ? menu.documents : []).map((offer) =>
          button([el("span", { class: "big" }, pick(offer, "title")), el("span", { class: "small" }, t("perCopy", { fee: offer.fee }))],
            () => busy(async () => {
              const data = await api("POST", "/api/document", { doc: offer.doc });
              ui.offer = data.offer; ui.draft = data.draft;
              go(ui.offer.options.length ? "options" : "copies");
            }), { class: "tile primary wide", "data-doc": offer.doc }))),
      ];
    },
    options() {
      const offer = ui.offer;
      const groups = offer.options.map((spec) => {
        const current = ui.draft.options[spec.name] ?? spec.choices[0];
        return el("fieldset", { class: "optgroup" },
          el("legend", {}, pick(spec, "label")),
          el("div", { class: "choices" }, spec.choices.map((value, i) =>
            button((ui.lang === "en" ? spec.choice_labels_en : spec.choice_labels_ja)[i],
              () => { ui.draft.options[spec.name] = value; render(); },
              { class: "choice", "aria-pressed": value === current ? "true" : "false", "data-option": spec.name, "data-value": value }))));
      });
      return [
        ...title(t("optionsTitle"), pick(offer, "title")),
        el("div", { class: "optlist" }, groups),
        el("div", { class: "actions" },
          button(t("back"), () => go("document"), { class: "secondary", id: "back" }),
          button(t("next"), () => busy(async () => {
            const data = await api("POST", "/api/options", { options: ui.draft.options });
            ui.draft = data.draft; go("copies");
          }), { class: "primary", id: "next" })),
      ];
    },
    copies() {
      const max = ui.offer.max_copies;
      const n = ui.draft.copies;
      const set = (v) => { ui.draft.copies = Math.max(1, Math.min(max, v)); render(); };
      return [
        ...title(t("copiesTitle"), `${pick(ui.offer, "title")} — ${t("perCopy", { fee: ui.offer.fee })}`),
        el("div", { class: "stepper" },
          button("−", () => set(n - 1), { class: "round", "aria-label": t("copiesLess"), id: "copies-less", disabled: n <= 1 }),
          el("output", { class: "count", id: "copies", "aria-live": "polite" }, t("copiesUnit", { n })),
          button("+", () => set(n + 1), { class: "round", "aria-label": t("copiesMore"), id: "copies-more", disabled: n >= max })),
        el("p", { class: "note center" }, t("copiesMax", { n: max })),
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
        [t("confirmCopies"), t("copiesUnit", { n: c.copies })]];
      return [
        ...title(t("confirmTitle")),
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
        ...title(t("payTitle"), ui.document ? `${ui.document.title} — ${t("copiesUnit", { n: ui.document.copies })}` : null),
        el("dl", { class: "paybox" },
          el("dt", {}, t("payFee")), el("dd", { id: "pay-fee" }, yen(fee)),
          el("dt", {}, t("payIn")), el("dd", { id: "pay-inserted" }, yen(inserted)),
          el("dt", {}, t("payNeed")), el("dd", { id: "pay-need", class: need ? "need" : "ok" }, yen(need))),
        el("p", { class: "note center" }, t("payNote")),
        el("div", { class: "actions" },
          button(t("payPrint"), () => {
            go("printing");
            api("POST", "/api/pay").then((data) => {
              if (ui.screen === "printing") { ui.change = data.change; go("done"); }
            }).catch((err) => { if (ui.screen === "printing") fail(err); });
          }, { class: "primary", id: "pay", disabled: need > 0 })),
      ];
    },
    printing() {
      return [...title(t("printingTitle"), t("printingNote")), el("div", { class: "spinner", "aria-hidden": "true" })];
    },
    done() {
      return [
        ...title(t("doneTitle"), t("doneNote")),
        el("p", { class: "bigfigure", id: "change" }, t("doneChange", { n: ui.change })),
        el("div", { class: "actions" }, button(t("finish"), () => backToStart(), { class: "primary", id: "finish" })),
      ];
    },
    error() {
      const e = ui.error || {};
      return [
        ...title(t("errorTitle")),
        el("p", { class: "message", role: "alert", id: "error-message", "data-code": e.code || "" }, pick(e, "message") || ""),
        el("p", { class: "code" }, e.code ? `(${e.code})` : ""),
        ui.state && ui.state.card.in_slot ? el("p", { class: "note" }, t("takeCard")) : null,
        el("div", { class: "actions" }, button(t("backToStart"), () => backToStart(), { class: "primary", id: "back-to-start" })),
      ];
    },
    cancelled() {
      return [
        ...title(t("cancelledTitle")),
        ui.refund ? el("p", { class: "message", id: "refund" }, t("refunded", { n: ui.refund })) : null,
        el("div", { class: "actions" }, button(t("backToStart"), () => go("start"), { class: "primary", id: "back-to-start" })),
      ];
    },
  };

  function render() {
    const main = $("screen");
    main.dataset.screen = ui.screen;
    main.replaceChildren(...screens[ui.screen]().filter(Boolean));
    $("step").textContent = T[ui.lang].steps[ui.screen] || "";
    renderDevices();
  }

  async function submitPin() {
    if (ui.pin.length !== 4) return;
    const pin = ui.pin;
    ui.pin = "";
    await busy(async () => {
      try {
        await api("POST", "/api/pin", { pin });
      } catch (err) {
        if (err instanceof KioskError && (err.info.code === "card.pin.wrong" || err.info.code === "card.pin.format")) {
          ui.pinNote = err.info; go("pin"); return;
        }
        throw err;
      }
      go("remove");
      afterCardTaken();
    });
  }

  async function afterCardTaken() {
    // The kiosk asks for the card back before anything is chosen, so it is not forgotten.
    if (ui.screen !== "remove" || !ui.state || ui.state.card.in_slot) return;
    await busy(async () => {
      const data = await api("POST", "/api/city", { kind: ui.kind || "residence" });
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
    if (ui.screen === "start") { resetUi(); go("start"); return; }
    try {
      const data = await api("POST", "/api/cancel");
      resetUi();
      ui.refund = data.refund;
      go("cancelled");
    } catch (err) { resetUi(); fail(err); }
  }

  function resetUi() {
    Object.assign(ui, { pin: "", pinNote: null, error: null, menu: null, offer: null, draft: null,
      confirm: null, document: null, change: 0, refund: 0, kind: null, visit: 0 });
  }

  // -- the simulated devices --------------------------------------------------------------------------
  function applyState(state) {
    if (!state || state.busy) return;
    const previous = ui.state;
    ui.state = state;
    const ended = state.ended;
    if (ended && ended.visit === ui.visit && ui.visit > 0 && !["start", "error", "cancelled", "done"].includes(ui.screen)) {
      ui.error = { code: ended.code, message_ja: ended.message_ja, message_en: ended.message_en, tries_left: null };
      ui.screen = "error";
      render();
      return;
    }
    if (ui.screen === "payment" && previous && previous.cash.inserted !== state.cash.inserted) render();
    else renderDevices();
  }

  function renderDevices() {
    const s = ui.state;
    const inSlot = Boolean(s && s.card.in_slot);
    $("card-place").disabled = inSlot || ui.screen !== "place" || ui.busy || !ui.cards.length;
    $("card-take").disabled = !inSlot;
    $("slot-status").textContent = ui.slotNote || (inSlot ? t("slotHas", { label: s.card.label }) : `${t("slotEmpty")} ${t("slotHint")}`);
    const canPay = Boolean(s && s.phase === "ordered") && ui.screen === "payment";
    document.querySelectorAll("#cash-buttons button").forEach((b) => { b.disabled = !canPay; });
    $("cash-inserted").textContent = yen(s ? s.cash.inserted : 0);
    $("cash-returned").textContent = yen(s ? s.cash.returned : 0);
    $("cash-take").disabled = !(s && s.cash.returned > 0);
    $("cash-status").textContent = ui.cashNote || (canPay ? "" : t("cashHint"));
    const tray = $("tray");
    const sheets = s ? s.tray : [];
    tray.replaceChildren(...(sheets.length
      ? sheets.map((sheet) => el("li", {}, el("a", { href: `/api/tray/${sheet.id}`, target: "_blank", rel: "noopener noreferrer", class: "sheet", "data-sheet": sheet.id },
        t("sheet", { title: sheet.title, copies: sheet.copies }))))
      : [el("li", { class: "empty" }, t("trayEmpty"))]));
    $("tray-take").disabled = !sheets.length;
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
    const card = ui.cards.find((c) => c.card === $("card-select").value);
    $("card-detail").replaceChildren(...(card
      ? [`${card.city_name} · ${card.name} · ${t("pinDemo")} ${card.pin}`, el("br"),
        el("span", { class: "traits" }, card.traits.join(", "))]
      : []));
  }

  function setupDevices() {
    const cash = $("cash-buttons");
    for (const amount of [10, 50, 100, 500, 1000, 2000, 5000, 10000]) {
      const b = button(yen(amount), async () => {
        ui.lastTouch = Date.now();
        try { await api("POST", "/api/cash", { amount }); ui.cashNote = null; } catch (err) { ui.cashNote = pick(err.info || {}, "message") || ""; }
        renderDevices();
      }, { class: amount >= 1000 ? "money note" : "money coin", "data-amount": String(amount) });
      cash.append(b);
    }
    $("card-place").addEventListener("click", async () => {
      const label = $("card-select").value;
      if (!label || ui.screen !== "place") return;
      ui.slotNote = null;
      await busy(async () => {
        const data = await api("POST", "/api/card/place", { card: label });
        ui.visit = data.visit;
        go("kind");
      });
    });
    $("card-take").addEventListener("click", async () => {
      try {
        await api("POST", "/api/card/remove");
      } catch (err) { ui.slotNote = pick(err.info || {}, "message"); renderDevices(); return; }
      const s = ui.state;
      if (s && s.ended && s.ended.visit === ui.visit) return;  // applyState showed why the visit ended
      if (ui.screen === "remove") afterCardTaken();
      else renderDevices();
    });
    $("card-select").addEventListener("change", showCardDetail);
    $("cash-take").addEventListener("click", () => api("POST", "/api/cash/take").then(renderDevices).catch(() => {}));
    $("tray-take").addEventListener("click", () => api("POST", "/api/tray/take").then(renderDevices).catch(() => {}));
  }

  function applyLanguage() {
    document.documentElement.lang = ui.lang;
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
    const lang = $("lang");
    lang.textContent = t("langOther");
    lang.lang = ui.lang === "ja" ? "en" : "ja";
    lang.setAttribute("aria-label", ui.lang === "ja" ? "Switch to English" : "日本語に切り替える");
    fillCards();
    render();
  }

  async function poll() {
    try { applyState(await api("GET", "/api/state")); } catch (_) { /* try again next tick */ }
    if (ui.screen === "remove" && ui.state && !ui.state.card.in_slot && !ui.busy) afterCardTaken();
    // Screens before a card is placed have no visit on the kiosk; the page returns to start itself.
    if (ui.screen !== "start" && Date.now() - ui.lastTouch > idleTimeout && !(ui.state && ui.state.phase !== "idle")) {
      resetUi(); go("start");
    }
    $("clock").textContent = new Date().toLocaleTimeString(ui.lang === "ja" ? "ja-JP" : "en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  document.addEventListener("DOMContentLoaded", async () => {
    document.addEventListener("pointerdown", () => { ui.lastTouch = Date.now(); }, true);
    $("lang").addEventListener("click", () => { ui.lang = ui.lang === "ja" ? "en" : "ja"; applyLanguage(); });
    $("cancel").addEventListener("click", cancelVisit);
    setupDevices();
    applyLanguage();
    try { ui.cards = (await api("GET", "/api/device/cards")).cards; } catch (_) { ui.cards = []; }
    fillCards();
    await poll();
    render();
    setInterval(poll, 1000);
  });
})();
