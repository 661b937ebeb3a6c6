// The "Core path only" switch of the web book.
//
// A lab chapter has a core (the lab's step, what it builds, the evidence,
// the answer) and deep dives, which the preprocessor wraps in
// `<div class="deep-dive">`. On a page that has deep dives, this puts a
// checkbox under the title; ticked, it sets `netlab-core-path` on <html>,
// and theme/netlab.css hides the deep dives. The choice is remembered
// (localStorage), so it holds on every page and the next visit. A link to
// a heading inside a hidden deep dive shows the deep dives for that page.
// Printing shows everything: the handouts print whole chapters.
(function () {
    "use strict";

    const KEY = "netlab-core-path";
    const CLASS = "netlab-core-path";
    const root = document.documentElement;

    // localStorage can be refused (private windows, file:// in some
    // browsers): then the switch works, but only for this page.
    function remembered() {
        try {
            return localStorage.getItem(KEY) === "on";
        } catch (e) {
            return false;
        }
    }

    function remember(on) {
        try {
            localStorage.setItem(KEY, on ? "on" : "off");
        } catch (e) {
            // not remembered; the page still follows the switch
        }
    }

    function show(coreOnly, box) {
        root.classList.toggle(CLASS, coreOnly);
        if (box) {
            box.checked = coreOnly;
        }
    }

    // The switch, under the page's title, on pages with deep dives only.
    function addSwitch(count) {
        const label = document.createElement("label");
        label.className = "netlab-core-switch";
        const box = document.createElement("input");
        box.type = "checkbox";
        const what = count === 1 ? "its deep dive" : "its " + count + " deep dives";
        label.append(box, " Core path only: read this chapter without " + what);
        const title = document.querySelector("main h1");
        if (title) {
            title.after(label);
        } else {
            document.querySelector("main").prepend(label);
        }
        box.addEventListener("change", function () {
            show(box.checked);
            remember(box.checked);
        });
        return box;
    }

    // A link into a deep dive shows it, without changing the remembered choice.
    function revealTarget(box) {
        const id = decodeURIComponent(window.location.hash.slice(1));
        const target = id && document.getElementById(id);
        if (target && target.closest(".deep-dive") && root.classList.contains(CLASS)) {
            show(false, box);
            target.scrollIntoView();
        }
    }

    const dives = document.querySelectorAll("main .deep-dive");
    if (dives.length === 0) {
        return;
    }
    const box = addSwitch(dives.length);
    show(remembered(), box);
    revealTarget(box);
    window.addEventListener("hashchange", function () {
        revealTarget(box);
    });
})();
