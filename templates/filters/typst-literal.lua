-- Text shows in the PDF exactly as typed. Typst markup turns some plain character sequences
-- into typography (`--` and `---` into dashes, `...` into an ellipsis, `~` into a no-break
-- space, `-?` into a soft hyphen), and pandoc's typst writer leaves them as they are. A text
-- run holding one is written as a typst string literal instead: `#"...";` shows the string
-- verbatim, and the `;` ends the expression whatever follows it.
-- Used by both engines: the pandoc engine passes it to pandoc, Quarto runs it through
-- `filters:` of the typst format in _quarto.yml. (Straight quotes are kept by the template:
-- `set smartquote(enabled: false)`.)

local SHORTHANDS = { "%-%-", "%.%.%.", "~", "%-%?" }

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
  if FORMAT:match("typst") and needs_literal(el.text) then
    return pandoc.RawInline("typst", typst_string(el.text))
  end
end
