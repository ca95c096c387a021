/* kofu kiosk maintenance page. The key lives in this page's memory only (never stored) and goes
 * to the kiosk as `Authorization: Bearer <key>`; the kiosk answers with counters, never documents. */
"use strict";

(() => {
  let key = null;
  const $ = (id) => document.getElementById(id);
  const LABELS = [
    ["visit_in_progress", "利用中 / Visit in progress", (s) => (s.visit_in_progress ? "はい / yes" : "いいえ / no")],
    ["paper", "用紙 / Paper", (s) => `${s.devices.printer.paper} / ${s.devices.printer.paper_capacity} (${s.devices.printer.paper_state})`],
    ["toner", "トナー / Toner", (s) => `${s.devices.printer.toner_percent}% (${s.devices.printer.toner_state})`],
    ["printer", "プリンタ / Printer", (s) => `${s.devices.printer.status}${s.devices.printer.fail_next ? " — 次の印刷は失敗 / next print fails" : ""}`],
    ["printed", "印刷済み部数 / Copies printed", (s) => String(s.devices.printer.copies_printed)],
    ["tray", "取り出し口 / Output tray", (s) => `${s.devices.printer.tray_documents}`],
    ["retained", "保留中の証明書 / Retained documents", (s) => `${s.retained.documents} (${s.retained.copies})`],
    ["box", "金庫 / Cash box", (s) => `¥${s.devices.cash_unit.box_total.toLocaleString("ja-JP")}`],
    ["unclaimed", "未受取のおつり / Unclaimed change", (s) => `¥${s.devices.cash_unit.retained_cash.toLocaleString("ja-JP")}`],
    ["reader", "カードリーダー / Card reader", (s) => `${s.devices.card_reader.status}${s.devices.card_reader.card_present ? " — カードあり / card present" : ""}`],
    ["cash", "現金ユニット / Cash unit", (s) => s.devices.cash_unit.status],
    ["speaker", "スピーカー / Speaker", (s) => `${s.devices.speaker.status} — ${s.devices.speaker.driver}`],
    ["idle", "無操作タイムアウト / Idle timeout", (s) => `${s.idle_timeout} s`],
  ];

  async function call(method, path, body) {
    const response = await fetch(path, {
      method, cache: "no-store", credentials: "omit",
      headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(data.code || "error"), { info: data, status: response.status });
    return data;
  }

  function show(status) {
    $("m-status").replaceChildren(...LABELS.map(([id, label, value]) => {
      const row = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row"; th.textContent = label;
      const td = document.createElement("td");
      td.id = `m-${id}`; td.textContent = value(status);
      row.append(th, td);
      return row;
    }));
    $("m-idle-seconds").value = String(Math.round(status.idle_timeout));
  }

  function logout(message) {
    key = null;
    $("m-panel").hidden = true;
    $("m-login").hidden = false;
    $("m-error").textContent = message || "";
    $("m-key").focus();
  }

  async function refresh() {
    if (!key) return;
    try { show(await call("GET", "/api/maintenance/status")); } catch (err) { logout(err.status === 401 ? message(err) : ""); }
  }
  const message = (err) => (err.info && err.info.message_ja ? `${err.info.message_ja} / ${err.info.message_en}` : String(err));

  document.addEventListener("DOMContentLoaded", () => {
    $("m-login").addEventListener("submit", async (event) => {
      event.preventDefault();
      key = $("m-key").value.trim();
      $("m-key").value = "";
      try {
        show(await call("GET", "/api/maintenance/status"));
        $("m-login").hidden = true; $("m-panel").hidden = false; $("m-error").textContent = "";
        $("m-status-title").focus();
      } catch (err) { logout(message(err)); }
    });
    document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", async () => {
      try { show(await call("POST", "/api/maintenance/action", { action: b.dataset.action })); $("m-done").textContent = `✓ ${b.textContent}`; }
      catch (err) { $("m-done").textContent = message(err); }
    }));
    $("m-idle").addEventListener("submit", async (event) => {
      event.preventDefault();
      try { show(await call("POST", "/api/maintenance/action", { action: "idle_timeout", value: Number($("m-idle-seconds").value) })); $("m-done").textContent = "✓"; }
      catch (err) { $("m-done").textContent = message(err); }
    });
    $("m-logout").addEventListener("click", () => logout(""));
    $("m-status-title").tabIndex = -1;
    setInterval(refresh, 3000);
  });
})();
