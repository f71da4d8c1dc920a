-- Text shows in the PDF exactly as typed, and long runs of it wrap. Typst markup turns some plain character sequences
-- into typography (`--` and `---` into dashes, `...` into an ellipsis, `~` into a no-break
-- space, `-?` into a soft hyphen), and pandoc's typst writer leaves them as they are. A text
-- run holding one is written as a typst string literal instead: `#"...";` shows the string
-- verbatim, and the `;` ends the expression whatever follows it.
-- Used by both engines: the pandoc engine passes it to pandoc, Quarto runs it through
-- `filters:` of the typst format in _quarto.yml. (Straight quotes are kept by the template:
-- `set smartquote(enabled: false)`.)

local SHORTHANDS = { "%-%-", "%.%.%.", "~", "%-%?" }
local SHORT = 10  -- a word longer than this may break after _ / . -
local LONG = 24  -- and a run of this many characters without one of those, anywhere
local ZWSP = "\u{200B}"

-- Typst breaks lines only between words: a long column name or label in a narrow table
-- cell would run out of it. Zero-width spaces let such a run wrap; nothing visible changes.
local function breakable(text)
  if utf8.len(text) == nil or utf8.len(text) <= SHORT then return text end
  text = text:gsub("([_/%.%-])(.)", "%1" .. ZWSP .. "%2")
  local out, run = {}, 0
  for _, code in utf8.codes(text) do
    local char = utf8.char(code)
    table.insert(out, char)
    run = (char == ZWSP) and 0 or run + 1
    if run >= LONG then
      table.insert(out, ZWSP)
      run = 0
    end
  end
  return table.concat(out)
end

local function needs_literal(text)
  for _, pattern in ipairs(SHORTHANDS) do
    if text:find(pattern) then return true end
  end
  return false
end

local function typst_string(text)
  return '#"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '";'
end

function Str(el)
  if not FORMAT:match("typst") then return nil end
  local text = breakable(el.text)
  if needs_literal(text) then
    return pandoc.RawInline("typst", typst_string(text))
  end
  if text ~= el.text then return pandoc.Str(text) end
end
