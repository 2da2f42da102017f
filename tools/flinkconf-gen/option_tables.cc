#include "option_tables.h"

#include "common/fs.h"
#include "common/strings.h"

namespace sluice::flinkconf_gen {
namespace {

// The text between `open` and the matching `close` starting at `pos`; advances `pos`.
bool NextElement(std::string_view doc, std::string_view open, std::string_view close, size_t& pos,
                 std::string_view& inner) {
  size_t b = doc.find(open, pos);
  if (b == std::string_view::npos) return false;
  size_t content = doc.find('>', b);
  if (content == std::string_view::npos) return false;
  ++content;
  size_t e = doc.find(close, content);
  if (e == std::string_view::npos) return false;
  inner = doc.substr(content, e - content);
  pos = e + close.size();
  return true;
}

std::vector<std::string> EnumValues(std::string_view description_html) {
  std::vector<std::string> out;
  size_t pos = description_html.find("Possible values:");
  if (pos == std::string_view::npos) return out;
  std::string_view item;
  while (NextElement(description_html, "<li", "</li>", pos, item)) {
    std::string text = HtmlToText(item);
    if (text.size() < 2 || text[0] != '"') continue;
    size_t end = text.find('"', 1);
    if (end == std::string::npos) continue;
    out.push_back(text.substr(1, end - 1));
  }
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      out += ' ';
      continue;
    }
    if (c == '&') {
      static const std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&lt;", "<"},  {"&gt;", ">"},   {"&amp;", "&"}, {"&quot;", "\""},
          {"&#39;", "'"}, {"&nbsp;", " "}, {"&apos;", "'"}};
      bool matched = false;
      for (const auto& [entity, text] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out += text;
          i += entity.size() - 1;
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    out += c;
  }
  std::string collapsed;
  for (char c : out) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  return std::string(Trim(collapsed));
}

Result<std::vector<RawOption>> ReadOptionsTsv(const std::filesystem::path& file) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  std::vector<RawOption> out;
  std::vector<std::string> lines = Split(text, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string> cols = Split(line, '\t');
    if (n == 0 && !cols.empty() && cols[0] == "key") continue;  // header
    if (cols.size() < 5) {
      return InvalidArgument("expected at least 5 tab-separated columns, found " +
                             std::to_string(cols.size()))
          .At(file.string() + ":" + std::to_string(n + 1));
    }
    RawOption o;
    o.key = cols[0];
    o.default_value = cols[1];
    o.type = cols[2];
    o.description = cols[3];
    o.table = cols[4];
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<RawOption>> ReadOptionsHtml(const std::filesystem::path& file) {
  SLUICE_ASSIGN_OR_RETURN(std::string doc, ReadFile(file));
  std::vector<RawOption> out;
  size_t body = doc.find("<tbody>");
  if (body == std::string::npos) return out;
  size_t pos = body;
  std::string_view row;
  std::string_view view(doc);
  while (NextElement(view, "<tr", "</tr>", pos, row)) {
    std::vector<std::string_view> cells;
    size_t cpos = 0;
    std::string_view cell;
    while (NextElement(row, "<td", "</td>", cpos, cell))
      cells.push_back(cell);
    if (cells.size() != 4) {
      return InvalidArgument("a table row has " + std::to_string(cells.size()) +
                             " cells, expected 4 (Key, Default, Type, Description)")
          .At(file.string());
    }
    size_t kpos = 0;
    std::string_view key;
    if (!NextElement(cells[0], "<h5", "</h5>", kpos, key)) {
      return InvalidArgument("a table row has no <h5> key").At(file.string());
    }
    RawOption o;
    o.key = HtmlToText(key);
    o.default_value = HtmlToText(cells[1]);
    o.type = HtmlToText(cells[2]);
    o.description = HtmlToText(cells[3]);
    o.enum_values = EnumValues(cells[3]);
    o.table = file.filename().string();
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace sluice::flinkconf_gen
