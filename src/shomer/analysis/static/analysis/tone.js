// Tone coach: "Apply" puts a suggested rewording into the reply draft, in place of the
// phrase it was found on (or at the start, for a missing greeting), then lets htmx coach
// the new draft. Spans come from the server in code points; JS strings count UTF-16 units.
(function () {
  "use strict";
  if (window.shomerToneCoach) {
    return;
  }
  window.shomerToneCoach = true;

  function unitsBefore(text, codePoints) {
    return Array.from(text).slice(0, codePoints).join("").length;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.apply-suggestion");
    if (!button) {
      return;
    }
    var box = document.querySelector("form[data-testid=reply-form] textarea[name=body]");
    if (!box) {
      return;
    }
    var value = box.value;
    var found = button.dataset.text || "";
    var suggestion = button.dataset.suggestion || "";
    var start = unitsBefore(value, Number(button.dataset.start));
    var end = start + found.length;
    if (value.slice(start, end) !== found) {
      // The draft changed since it was coached: find the phrase again, or give up.
      start = found ? value.indexOf(found) : 0;
      if (start < 0) {
        return;
      }
      end = start + found.length;
    }
    var insert = found ? suggestion : suggestion + " ";
    box.value = value.slice(0, start) + insert + value.slice(end);
    box.focus();
    box.setSelectionRange(start + insert.length, start + insert.length);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
