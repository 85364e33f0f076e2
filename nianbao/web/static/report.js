// Report page: hovering a finding outlines its cells; hovering a flagged cell outlines its findings.
(function () {
  "use strict";
  function cellsOf(n) {
    return document.querySelectorAll('.nb-table [data-findings]');
  }
  document.querySelectorAll("ol.findings li[value]").forEach(function (li) {
    var n = li.getAttribute("value");
    li.addEventListener("mouseenter", function () {
      cellsOf(n).forEach(function (td) {
        if ((" " + td.dataset.findings + " ").indexOf(" " + n + " ") >= 0) td.classList.add("nb-hover");
      });
    });
    li.addEventListener("mouseleave", function () {
      document.querySelectorAll(".nb-hover").forEach(function (td) { td.classList.remove("nb-hover"); });
    });
  });
})();
