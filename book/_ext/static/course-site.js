/* The course's site script (added to every page by book/_ext/course_site.py).
 *
 * Sidebar toggles that work on phones. pydata-sphinx-theme 0.17 binds its sidebar handlers to
 * the first element of class `primary-toggle` (and `secondary-toggle`) in the page, which
 * with sphinx-book-theme 1.3 is a header button the book theme hides; the visible buttons in the
 * article header get no handler, so at phone widths the chapter list and the page contents
 * cannot be opened (pydata-sphinx-theme#2451, sphinx-book-theme#988). A click on any other
 * toggle of the same kind is forwarded to the bound one, which then runs the themes' own code
 * (a dialog on narrow screens, a collapsing sidebar on wide ones).
 */
(() => {
  const forwardSidebarToggles = () => {
    for (const kind of ["primary-toggle", "secondary-toggle"]) {
      const [bound, ...others] = document.querySelectorAll(`.${kind}`);
      if (!bound) continue;
      for (const button of others) {
        button.addEventListener(
          "click",
          (event) => {
            event.preventDefault();
            event.stopImmediatePropagation();
            bound.click();
          },
          true,
        );
      }
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", forwardSidebarToggles);
  } else {
    forwardSidebarToggles();
  }
})();
