// "Run on this machine": the served book's lab bench. `cargo xtask serve`
// adds this script to the pages it serves (see xtask/src/serve/page.rs);
// the built book, `mdbook build` and the handouts have none.
//
// Under each lab transcript (and each list of claims) of an example the
// server may run, a button runs that example on this machine through the
// server's interface, `GET /run/NAME?token=T[&check]`, a stream of
// server-sent events (see xtask/src/serve/run.rs). The transcript streams
// in as it comes; at the end the server's verdict says whether it is the
// same as the book, masked as the tests mask, or which lines differ, and
// why where the book knows.
(() => {
  "use strict";

  // Each example the server may run: null, or why it cannot run here.
  const examples = window.netlabExamples || {};
  const token = takeToken();

  // The token comes in the address `cargo xtask serve` printed
  // (`?token=...`). It is kept in this browser's storage for this address
  // alone, so that the other pages of the book have it too, and taken out
  // of the address bar, so that it is not shown or shared with a link.
  function takeToken() {
    const key = "netlab-token";
    const url = new URL(location.href);
    const given = url.searchParams.get("token");
    if (given) {
      localStorage.setItem(key, given);
      url.searchParams.delete("token");
      history.replaceState(history.state, "", url);
    }
    return localStorage.getItem(key);
  }

  // A transcript or a list of claims follows its caption, which names
  // the recording: `snippets/examples/NAME/output[-VARIANT].txt`.
  const recording = /^snippets\/examples\/(\w+)\/(output|claims)(-[\w-]+)?\.txt$/;

  function addControls() {
    const done = new Set();
    for (const caption of document.querySelectorAll("p.netlab-caption")) {
      const code = caption.querySelector("code");
      const found = code && code.textContent.match(recording);
      if (!found) continue;
      const [, name, kind] = found;
      const block = caption.nextElementSibling;
      // One control per example and kind on a page: under its first block.
      if (!(name in examples) || done.has(name + kind) || !block) continue;
      done.add(name + kind);
      block.after(control(name, kind === "claims"));
    }
  }

  // The button, a line that says what is going on, and where the run goes.
  function control(name, check) {
    const box = element("div", "netlab-run");
    const button = element("button", "netlab-run-button",
      check ? "Check the claims on this machine" : "Run on this machine");
    button.type = "button";
    button.dataset.example = name;
    button.dataset.check = check;
    const status = element("span", "netlab-run-status");
    status.setAttribute("role", "status");
    box.append(button, status);
    const obstacle = examples[name];
    if (obstacle || !token) {
      button.disabled = true;
      status.textContent = obstacle ||
        "To run it here, open the address `cargo xtask serve` printed: its ?token= lets pages run examples.";
      return box;
    }
    let running = null;
    button.addEventListener("click", () => {
      if (running) {
        running.abort();
        return;
      }
      running = new AbortController();
      button.textContent = "Stop";
      run(name, check, box, status, running.signal).finally(() => {
        running = null;
        button.textContent = check ? "Check the claims again" : "Run again";
      });
    });
    return box;
  }

  // One run: the stream read and shown as it comes.
  async function run(name, check, box, status, signal) {
    box.querySelector(".netlab-run-output")?.remove();
    const output = element("div", "netlab-run-output");
    const transcript = element("pre", "netlab-transcript netlab-run-transcript");
    const verdict = element("p", "netlab-verdict");
    verdict.setAttribute("aria-live", "polite");
    output.append(transcript, verdict);
    box.append(output);
    status.textContent = "starting…";
    const url = `/run/${name}?token=${encodeURIComponent(token)}${check ? "&check" : ""}`;
    let ended = false;
    try {
      const response = await fetch(url, {
        signal,
        cache: "no-store",
        headers: { Accept: "text/event-stream" },
      });
      if (!response.ok) {
        // A refusal: one line that says why (403, 404, 409, 503).
        status.textContent = "";
        showVerdict(verdict, {
          outcome: "refused",
          headline: `${response.status}: ${(await response.text()).trim()}`,
          rows: [],
        });
        return;
      }
      status.textContent = "running…";
      await readEvents(response.body, (event, data) => {
        if (event === "start") addLine(transcript, `$ ${data}`, "command-line");
        if (event === "note") addLine(transcript, data, "note");
        if (event === "line") addLine(transcript, data);
        if (event === "verdict") {
          ended = true;
          const result = JSON.parse(data);
          status.textContent = result.ended ? `ended: ${result.ended}` : "";
          showVerdict(verdict, result);
        }
      });
      if (!ended) {
        status.textContent = "";
        showVerdict(verdict, { outcome: "stopped", headline: "The run ended without a verdict.", rows: [] });
      }
    } catch (error) {
      status.textContent = "";
      const stopped = signal.aborted;
      showVerdict(verdict, {
        outcome: "stopped",
        headline: stopped ? "Stopped: the server killed the run." : `The run broke off: ${error}`,
        rows: [],
      });
    }
  }

  // Server-sent events from a fetched stream: blocks of `event: NAME` and
  // `data: LINE` lines, each block ended by a blank line.
  async function readEvents(body, handle) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        handle(event, data.join("\n"));
      }
    }
  }

  // A line of the transcript, styled as the book styles its transcripts:
  // a narration comment, a prompt and its command, or plain output.
  function addLine(pre, text, kind) {
    const line = element("span", kind ? `line ${kind}` : "line");
    const prompt = text.match(/^([\w-]{0,24})\$ (.*)$/);
    if (!kind && (text === "#" || text.startsWith("# "))) {
      line.append(element("span", "comment", text));
    } else if (!kind && prompt) {
      line.append(element("span", "prompt", `${prompt[1]}$`), " ", element("span", "command", prompt[2]));
    } else {
      line.textContent = text;
    }
    pre.append(line, "\n");
  }

  // The verdict, and the differing lines: `-` the book's, `+` this run's,
  // each with why where the book knows; long runs of equal lines folded.
  function showVerdict(paragraph, verdict) {
    paragraph.dataset.verdict = verdict.outcome;
    paragraph.textContent = verdict.headline;
    if (!verdict.rows.length) return;
    const diff = element("pre", "netlab-diff");
    const marks = { same: " ", here: "+", book: "-" };
    const rows = verdict.rows;
    for (let at = 0; at < rows.length; at++) {
      let same = at;
      while (same < rows.length && rows[same].kind === "same") same++;
      if (same - at > 6) {
        // Keep two lines of context on each side of a difference.
        const folded = same - at - (at > 0 ? 2 : 0) - (same < rows.length ? 2 : 0);
        if (at > 0) rows.slice(at, at + 2).forEach((row) => addRow(diff, row, marks));
        diff.append(element("span", "row folded", `  … ${folded} lines the same …`), "\n");
        if (same < rows.length) rows.slice(same - 2, same).forEach((row) => addRow(diff, row, marks));
        at = same - 1;
      } else {
        addRow(diff, rows[at], marks);
      }
    }
    paragraph.after(diff);
  }

  function addRow(diff, row, marks) {
    const line = element("span", `row ${row.kind}`, `${marks[row.kind]} ${row.text}`);
    if (row.why) line.append(element("span", "why", `  ← ${row.why}`));
    diff.append(line, "\n");
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  addControls();
})();
