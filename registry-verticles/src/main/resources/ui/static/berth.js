// Copy buttons: <button data-copy="id"> copies the text of the element with that id. A page served over plain http
// from another host than localhost has no navigator.clipboard; there the text is copied through a selection.
document.addEventListener("click", function (e) {
  var button = e.target.closest("[data-copy]");
  if (!button) return;
  var text = document.getElementById(button.dataset.copy).textContent.trim();
  var copied = navigator.clipboard ? navigator.clipboard.writeText(text) : copyBySelection(text);
  copied.then(function () {
    button.textContent = "Copied";
  }, function () {
    button.textContent = "Copy failed";
  });
});

function copyBySelection(text) {
  var area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  var done = document.execCommand("copy");
  document.body.removeChild(area);
  return done ? Promise.resolve() : Promise.reject(new Error("the browser refused to copy"));
}

// Entity pickers: <input data-entity-picker data-namespace="ns" [data-include-teams] [data-kind-field="id"]> suggests
// users, robots and teams from /api/v1/entities as one types, as an ARIA combobox (arrow keys, Enter, Escape, or the
// mouse). Choosing a suggestion fills the input and, with data-kind-field, sets that select to the suggestion's kind
// ("team", else "user"). Without JavaScript the input stays a text field and a typed name posts as it is.
(function () {
  var pickers = 0;

  function kindOf(entity) {
    if (entity.kind === "team") return "team";
    if (entity.kind === "org") return "organization";
    return entity.is_robot ? "robot" : "user";
  }

  function setup(input) {
    if (input.dataset.entityPickerReady) return;
    input.dataset.entityPickerReady = "true";
    var id = "entity-picker-" + (++pickers);
    var wrap = document.createElement("div");
    wrap.className = "entity-picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "entity-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("span");
    status.className = "sr";
    status.setAttribute("role", "status");
    wrap.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var timer = null, asked = 0, active = -1;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = options();
      if (all.length === 0) return;
      active = (index + all.length) % all.length;
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({block: "nearest"});
    }

    function choose(option) {
      input.value = option.dataset.name;
      var field = input.dataset.kindField && document.getElementById(input.dataset.kindField);
      if (field) field.value = option.dataset.kind === "team" ? "team" : "user";
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (entity, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.name = entity.name;
        li.dataset.kind = kindOf(entity);
        var name = document.createElement("span");
        name.textContent = entity.name;
        var badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = li.dataset.kind;
        li.append(name, " ", badge);
        list.appendChild(li);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length > 0 ? "true" : "false");
      status.textContent = results.length === 0 ? "No suggestions" : results.length + " suggestions";
    }

    function lookup() {
      var prefix = input.value.trim();
      var mine = ++asked;
      if (prefix === "") {
        show([]);
        input.removeAttribute("aria-busy");
        return;
      }
      var url = "/api/v1/entities/" + encodeURIComponent(prefix) + "?namespace="
          + encodeURIComponent(input.dataset.namespace || "")
          + (input.hasAttribute("data-include-teams") ? "&includeTeams=true" : "");
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json", "X-Requested-With": "XMLHttpRequest"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (body) { if (mine === asked && document.activeElement === input) show(body.results || []); })
        .catch(function () { if (mine === asked) show([]); })
        .finally(function () { if (mine === asked) input.removeAttribute("aria-busy"); });
    }

    input.addEventListener("input", function () {
      // busy from the keystroke until the answer for the latest prefix is shown
      input.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!open) {
          if (options().length === 0) return;
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        e.preventDefault();
        highlight(active + (e.key === "ArrowDown" ? 1 : active === -1 ? 0 : -1));
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault();
        choose(options()[active]);
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    // mousedown, not click: the input keeps its focus, so blur does not close the list first
    list.addEventListener("mousedown", function (e) {
      var option = e.target.closest("[role=option]");
      if (!option) return;
      e.preventDefault();
      choose(option);
    });
  }

  function scan(root) {
    root.querySelectorAll("input[data-entity-picker]").forEach(setup);
  }

  scan(document);
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
})();
