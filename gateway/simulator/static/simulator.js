// The phone simulator: posts to the real channel endpoints exactly as the networks do.
// USSD as the Africa's Talking aggregator (sessionId + cumulative `text` joined with "*"),
// SMS as Twilio's webhook (From/To/Body/MessageSid, TwiML back), calls as the IVR platform.
"use strict";

(function () {
  const form = document.getElementById("simulator");
  if (!form || form.dataset.disabled === "true") {
    return; // callback authentication is on: the page says why, the controls stay disabled
  }
  const $ = (id) => document.getElementById(id);
  const screen = $("screen");
  const status = $("status");
  const shortCode = form.dataset.shortCode;
  const ussd = { sessionId: null, text: "", open: false };
  const call = { sid: null, action: null };

  function randomId(prefix) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function show(text, state) {
    screen.textContent = text;
    screen.dataset.state = state;
    // Counts the screens shown, so that a test (or a person) can tell a new one from the last.
    screen.dataset.seq = String(Number(screen.dataset.seq || "0") + 1);
  }

  function setStatus(text) {
    status.textContent = text;
  }

  async function post(path, fields) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, body: await response.text() };
  }

  function problem(answer) {
    // A refused request (400 names the field; 403 is callback authentication).
    try {
      const data = JSON.parse(answer.body);
      return `HTTP ${answer.status}: ${data.error}${data.field ? " (" + data.field + ")" : ""}`;
    } catch (e) {
      return `HTTP ${answer.status}`;
    }
  }

  // -- USSD -------------------------------------------------------------------------------

  function ussdControls(open) {
    ussd.open = open;
    $("ussd-answer").disabled = !open;
    $("ussd-send").disabled = !open;
    $("ussd-hangup").disabled = !open;
    if (open) {
      $("ussd-answer").focus();
    }
  }

  async function ussdStep() {
    setStatus("…");
    const answer = await post("/ussd/at", {
      sessionId: ussd.sessionId,
      serviceCode: $("ussd-code").value.trim(),
      phoneNumber: $("msisdn").value,
      networkCode: "63902",
      text: ussd.text,
    });
    if (answer.status !== 200 || !/^(CON|END) /.test(answer.body)) {
      show(problem(answer), "error");
      ussdControls(false);
      setStatus("session ended");
      return;
    }
    const end = answer.body.startsWith("END ");
    show(answer.body.slice(4), end ? "end" : "con");
    ussdControls(!end);
    setStatus(end ? "session ended" : "waiting for your answer");
  }

  $("ussd-dial").addEventListener("click", () => {
    ussd.sessionId = randomId("sim-");
    ussd.text = "";
    ussdStep();
  });

  $("ussd-send").addEventListener("click", () => {
    const input = $("ussd-answer");
    const given = input.value.trim();
    input.value = "";
    if (!ussd.open) {
      return;
    }
    // Africa's Talking sends every input of the session so far, joined with "*".
    ussd.text = ussd.text === "" ? given : `${ussd.text}*${given}`;
    ussdStep();
  });

  $("ussd-answer").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      $("ussd-send").click();
    }
  });

  $("ussd-hangup").addEventListener("click", () => {
    ussdControls(false);
    show("Call ended.", "idle");
    setStatus("");
  });

  // -- SMS --------------------------------------------------------------------------------

  function addItem(list, text, kind) {
    const item = document.createElement("li");
    item.textContent = text;
    item.className = kind;
    list.appendChild(item);
    return item;
  }

  $("sms-send").addEventListener("click", async () => {
    const text = $("sms-text").value;
    const replies = $("sms-replies");
    addItem(replies, `> ${text}`, "sent");
    const answer = await post("/sms/twilio", {
      From: $("msisdn").value,
      To: shortCode,
      Body: text,
      MessageSid: randomId("SM"),
    });
    if (answer.status !== 200) {
      addItem(replies, problem(answer), "error");
      show(problem(answer), "error");
      return;
    }
    const doc = new DOMParser().parseFromString(answer.body, "application/xml");
    const messages = Array.from(doc.getElementsByTagName("Message"), (m) => m.textContent);
    messages.forEach((m) => addItem(replies, m, "reply"));
    show(messages.length ? messages.join("\n\n") : "(no reply)", "sms");
    setStatus(`${messages.length} SMS from ${shortCode}`);
  });

  // -- IVR --------------------------------------------------------------------------------

  function amountText(minor, currency) {
    // Integers in, text out: the decimal point is placed in the digits, never by division.
    const digits = new Intl.NumberFormat("en", { style: "currency", currency })
      .resolvedOptions().maximumFractionDigits;
    const sign = minor < 0 ? "-" : "";
    const text = String(Math.abs(minor)).padStart(digits + 1, "0");
    const whole = text.slice(0, text.length - digits);
    return `${sign}${currency} ${whole}${digits ? "." + text.slice(text.length - digits) : ""}`;
  }

  function variableText(v) {
    switch (v.type) {
      case "amount":
        return amountText(v.minor, v.currency);
      case "days":
        return `${v.count} days`;
      case "units":
        return { time: `${v.value} s`, data: `${v.value} bytes`, units: `${v.value} messages` }[
          v.kind] || String(v.value);
      default:
        return JSON.stringify(v);
    }
  }

  $("ivr-call").addEventListener("click", async () => {
    const list = $("ivr-prompts");
    list.replaceChildren();
    setStatus("calling the balance line…"); // the screen changes once, with the answer
    const answer = await post("/ivr/balance", { msisdn: $("msisdn").value, format: "json" });
    if (answer.status !== 200) {
      show(problem(answer), "error");
      return;
    }
    const sequence = JSON.parse(answer.body);
    for (const prompt of sequence.prompts) {
      const values = prompt.variables.map(variableText).join(", ");
      addItem(list, `${prompt.set}/${prompt.entry}${values ? ": " + values : ""}`, "prompt");
    }
    show(`Balance line (${sequence.language}): ${sequence.prompts.length} announcements`, "call");
    setStatus("call ended");
  });

  function recordingName(url) {
    // {base}/{language}/{set}/{entry}.wav -> "set/entry"
    const parts = new URL(url, location.href).pathname.split("/").map(decodeURIComponent);
    return `${parts[parts.length - 2]}/${parts[parts.length - 1].replace(/\.[a-z0-9]+$/, "")}`;
  }

  function playTwiml(body, list) {
    const doc = new DOMParser().parseFromString(body, "application/xml");
    for (const verb of doc.querySelectorAll("Play, Say")) {
      addItem(list, verb.tagName === "Play" ? `▶ ${recordingName(verb.textContent)}`
        : `“${verb.textContent}”`, "prompt");
    }
    const gather = doc.querySelector("Gather");
    // The action is relative to the webhook's URL, as Twilio resolves it.
    call.action = gather ? new URL(gather.getAttribute("action"),
      new URL("/ivr/recharge", location.href)).toString() : null;
    $("ivr-digits").disabled = !gather;
    $("ivr-digits-send").disabled = !gather;
    show(gather ? "Recharge line: enter the voucher PIN, then #" : "Recharge line: call ended",
      "call");
    if (gather) {
      $("ivr-digits").focus();
    }
  }

  async function recharge(url, extra) {
    const list = $("ivr-recharge-prompts");
    const answer = await post(url, { From: $("msisdn").value, CallSid: call.sid, ...extra });
    if (answer.status !== 200) {
      show(problem(answer), "error");
      return;
    }
    playTwiml(answer.body, list);
  }

  $("ivr-recharge-call").addEventListener("click", () => {
    call.sid = randomId("CA");
    $("ivr-recharge-prompts").replaceChildren();
    recharge("/ivr/recharge", {});
  });

  $("ivr-digits-send").addEventListener("click", () => {
    const input = $("ivr-digits");
    const digits = input.value.trim();
    input.value = ""; // a PIN: never kept on the page
    if (call.action) {
      addItem($("ivr-recharge-prompts"), `⌨ ${"*".repeat(digits.length)}#`, "sent");
      recharge(call.action, { Digits: `${digits}#` });
    }
  });
})();
