// selfcare console: the little script there is. Every rule here is also applied by the
// server (gateway/console/type_form.py disabled_fields); this only saves a round trip.
"use strict";
(function () {
  function balanceTypeRules(form) {
    const v = (id) => { const el = form.elements[id]; return el ? (el.type === "checkbox" ? (el.checked ? "on" : "") : el.value) : ""; };
    const unit = form.elements["unit"];
    const cash = unit && unit.selectedOptions[0] && unit.selectedOptions[0].dataset.kind === "cash";
    const category = v("category");
    const off = new Set();
    if (!cash) off.add("is_default_cash");
    if (v("expenditure_type") !== "none") off.add("display_to_spend_ratio");
    if (category !== "expenditure") { off.add("expenditure_type"); off.add("recreate_bucket_on_expiry"); }
    else off.add("rollover_days");
    if (v("expiry_basis") !== "fixed_date") off.add("fixed_expiry_date");
    if (category !== "chargeable") off.add("contributes_to_expenditure");
    if (category === "fraud" || v("is_default_cash") === "on") off.add("delete_after_last_bucket_expiry");
    if (!["chargeable", "cross", "fraud"].includes(category)) { off.add("max_balance"); off.add("max_balance_policy"); }
    if (cash) ["positive", "negative"].forEach((s) => ["set", "entry"].forEach((p) => off.add(`announcements_${s}_${p}`)));
    const managed = ["is_default_cash", "display_to_spend_ratio", "expenditure_type", "recreate_bucket_on_expiry",
      "rollover_days", "fixed_expiry_date", "contributes_to_expenditure", "delete_after_last_bucket_expiry",
      "max_balance", "max_balance_policy", "announcements_positive_set", "announcements_positive_entry",
      "announcements_negative_set", "announcements_negative_entry"];
    managed.forEach((id) => { const el = form.elements[id]; if (el) el.disabled = off.has(id); });
  }
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-rules=balance-type]");
    if (form) { form.addEventListener("change", () => balanceTypeRules(form)); balanceTypeRules(form); }
    const translation = document.querySelector("form[data-rules=translation]");
    if (translation) {
      const pick = () => {
        const sel = translation.elements["balance_type_name"];
        if (!sel || !sel.selectedOptions) return;  // editing: the type is fixed
        const opt = sel.selectedOptions[0];
        const cash = opt && opt.dataset.cash === "yes";
        ["single_currency", "dual_currency", "dual_format"].forEach((id) => {
          const el = translation.elements[id]; if (el) el.disabled = !cash; });
      };
      translation.addEventListener("change", pick); pick();
    }
    document.querySelectorAll("[data-confirm]").forEach((el) => el.addEventListener("click", (e) => {
      if (!window.confirm(el.dataset.confirm)) e.preventDefault(); }));
  });
})();
