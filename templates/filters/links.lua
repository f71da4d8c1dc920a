-- Links between pages, for the pandoc engine (Quarto does both natively):
--  * page.qmd / page.qmd#anchor  ->  page.html / page.html#anchor
--  * with `link-external-newwindow: true`, external links open in a new tab (HTML only).

local newwindow = false

function Meta(meta)
  local v = meta["link-external-newwindow"]
  newwindow = v == true or (type(v) == "table" and pandoc.utils.stringify(v) == "true")
end

function Link(link)
  local target = link.target
  if not target:match("^%a[%w+.-]*:") then
    local path, anchor = target:match("^([^#]*)(.*)$")
    if path:match("%.qmd$") then
      link.target = path:gsub("%.qmd$", ".html") .. anchor
    end
  elseif newwindow and FORMAT:match("html") and target:match("^https?://") then
    link.attributes["target"] = "_blank"
    link.attributes["rel"] = "noopener"
  end
  return link
end

-- Meta must run before Link, so this filter runs in two passes.
return { { Meta = Meta }, { Link = Link } }
