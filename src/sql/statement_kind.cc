#include "sql/statement_kind.h"

namespace sluice::sql {

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
#define SLUICE_SQL_KIND_NAME(e, s) \
  case StatementKind::e:           \
    return s;
    SLUICE_SQL_STATEMENT_KINDS(SLUICE_SQL_KIND_NAME)
#undef SLUICE_SQL_KIND_NAME
  }
  return "UNKNOWN";
}

}  // namespace sluice::sql
