-- Quarto callouts for the pandoc engine (Quarto renders them natively).
--   ::: {.callout-note title="..."}   (note, warning, tip, important, caution)
-- HTML: a <div class="callout callout-KIND"> with a title bar, styled by assets/site.css.
-- Typst: a call to kr-callout(), defined in templates/typst/typst-template.typ.
-- A heading as the first block of the callout is its title, as in Quarto.

local KINDS = {
  note = "Note", warning = "Warning", tip = "Tip",
  important = "Important", caution = "Caution",
}

local function callout_kind(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and KINDS[kind] then return kind end
  end
  return nil
end

-- The title attribute is markdown: parse it so **bold** or `code` render in both formats.
local function title_inlines(div, kind)
  local blocks = div.content
  if #blocks > 0 and blocks[1].t == "Header" then
    local header = table.remove(blocks, 1)
    return header.content
  end
  local title = div.attributes["title"]
  if title and title ~= "" then
    local doc = pandoc.read(title, "markdown")
    if #doc.blocks > 0 and doc.blocks[1].content then return doc.blocks[1].content end
  end
  return pandoc.Inlines(KINDS[kind])
end

local function typst_string(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

function Div(div)
  local kind = callout_kind(div)
  if not kind then return nil end
  local title = title_inlines(div, kind)
  if FORMAT:match("html") then
    local header = pandoc.Div(
      { pandoc.Plain(title) },
      pandoc.Attr("", { "callout-title" }))
    local body = pandoc.Div(div.content, pandoc.Attr("", { "callout-body" }))
    -- attributes as ordered pairs, so the output is byte-identical from build to build
    local attr = pandoc.Attr(div.identifier, { "callout", "callout-" .. kind },
      { { "role", kind == "note" and "note" or "region" }, { "aria-label", KINDS[kind] } })
    return pandoc.Div({ header, body }, attr)
  elseif FORMAT:match("typst") then
    local title_typst = pandoc.write(pandoc.Pandoc({ pandoc.Plain(title) }), "typst")
    title_typst = title_typst:gsub("%s+$", "")
    local open = "#kr-callout(kind: " .. typst_string(kind) .. ", title: [" .. title_typst .. "])["
    local blocks = { pandoc.RawBlock("typst", open) }
    for _, block in ipairs(div.content) do table.insert(blocks, block) end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
  return nil
end
