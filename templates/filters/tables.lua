-- Wide tables scroll sideways inside their own box on narrow screens, never the page. The
-- box is a keyboard-focusable region (tabindex, role, label), so every reader can scroll it.
-- HTML only; both engines run it (Quarto through `filters:` of the html format).

local count = 0

function Table(tbl)
  if not FORMAT:match("html") then return nil end
  count = count + 1  -- each region needs a name of its own
  -- attributes as a list of pairs: a Lua table with keys has no order, and every build of the
  -- same input must give the same bytes
  local attr = pandoc.Attr("", { "table-scroll" },
    { { "tabindex", "0" }, { "role", "region" }, { "aria-label", "Table " .. count .. " (scrolls sideways)" } })
  return pandoc.Div({ tbl }, attr)
end
