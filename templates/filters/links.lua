-- Links between pages, for both engines' output:
--  * HTML (pandoc engine; Quarto does this itself): page.qmd[#anchor] -> page.html[#anchor];
--    with `link-external-newwindow: true`, external links open in a new tab.
--  * PDF (typst, both engines): a link to a page of the report jumps to that page's section
--    of the PDF (report.qmd gives each section the id page-<name>; an #anchor inside a page
--    goes to that heading); a link to a site file (downloads/...) points at the published
--    site when `kr-site-url` is set, and is plain text otherwise (a relative link is dead in
--    a downloaded PDF).

local newwindow = false
local site_url = nil

function Meta(meta)
  local v = meta["link-external-newwindow"]
  newwindow = v == true or (type(v) == "table" and pandoc.utils.stringify(v) == "true")
  if meta["kr-site-url"] then
    site_url = pandoc.utils.stringify(meta["kr-site-url"]):gsub("/+$", "")
    if site_url == "" then site_url = nil end
  end
end

local function typst_link(link)
  local path, anchor = link.target:match("^([^#]*)#?(.*)$")
  if path:match("%.qmd$") then
    local page = path:gsub("%.qmd$", ""):gsub(".*/", "")
    link.target = "#" .. (anchor ~= "" and anchor or ("page-" .. page))
    return link
  end
  if site_url then
    link.target = site_url .. "/" .. path .. (anchor ~= "" and ("#" .. anchor) or "")
    return link
  end
  return link.content  -- no published address: the text, not a dead link
end

function Link(link)
  local target = link.target
  local external = target:match("^%a[%w+.-]*:") or target:match("^#")
  if FORMAT:match("typst") then
    if external then return nil end
    return typst_link(link)
  end
  if not external then
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
