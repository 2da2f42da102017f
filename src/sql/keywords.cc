// Reserved words of Flink's SQL grammar: the keywords of Calcite's parser and of Flink's
// extensions, less those the grammar lists as non-reserved.
#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include "sql/lexer.h"

namespace sluice::sql {
namespace {

constexpr const char* kReserved[] = {
    "ABS", "ALL", "ALLOCATE", "ALLOW", "ALTER", "AND", "ANY", "ARE", "ARRAY",
    "ARRAY_MAX_CARDINALITY", "AS", "ASENSITIVE", "ASYMMETRIC", "AT", "ATOMIC", "AUTHORIZATION",
    "AVG", "BEGIN", "BEGIN_FRAME", "BEGIN_PARTITION", "BETWEEN", "BIGINT", "BINARY", "BIT",
    "BITMAP", "BLOB", "BOOLEAN", "BOTH", "BUCKETS", "BY", "BYTES", "CALL", "CALLED",
    "CARDINALITY", "CASCADED", "CASE", "CAST", "CATALOGS", "CEIL", "CEILING", "CHAR", "CHARACTER",
    "CHARACTER_LENGTH", "CHAR_LENGTH", "CHECK", "CLASSIFIER", "CLOB", "CLOSE", "COALESCE",
    "COLLATE", "COLLECT", "COLUMN", "COMMENT", "COMMIT", "CONDITION", "CONNECT", "CONNECTIONS",
    "CONSTRAINT", "CONTAINS", "CONTINUOUS", "CONVERT", "CORR", "CORRESPONDING", "COUNT",
    "COVAR_POP", "COVAR_SAMP", "CREATE", "CROSS", "CUBE", "CUME_DIST", "CURRENT",
    "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_DEFAULT_TRANSFORM_GROUP", "CURRENT_PATH",
    "CURRENT_ROLE", "CURRENT_ROW", "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP",
    "CURRENT_TRANSFORM_GROUP_FOR_TYPE", "CURRENT_USER", "CURSOR", "CYCLE", "DATABASES", "DATE",
    "DAY", "DEALLOCATE", "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DEFINE", "DELETE", "DENSE_RANK",
    "DEREF", "DESCRIBE", "DETERMINISTIC", "DISALLOW", "DISCONNECT", "DISTINCT", "DISTRIBUTED",
    "DISTRIBUTION", "DOUBLE", "DROP", "DYNAMIC", "EACH", "ELEMENT", "ELSE", "EMPTY", "END",
    "END_FRAME", "END_PARTITION", "EQUALS", "ESCAPE", "EVERY", "EXCEPT", "EXEC", "EXECUTE",
    "EXISTS", "EXP", "EXPLAIN", "EXTEND", "EXTENDED", "EXTERNAL", "EXTRACT", "FALSE", "FETCH",
    "FILTER", "FIRST_VALUE", "FLOAT", "FLOOR", "FOR", "FOREIGN", "FRAME_ROW", "FREE", "FRESHNESS",
    "FROM", "FULL", "FUNCTION", "FUNCTIONS", "FUSION", "GET", "GLOBAL", "GRANT", "GROUP",
    "GROUPING", "GROUPS", "HASH", "HAVING", "HOLD", "HOUR", "IDENTITY", "ILIKE", "IMPORT", "IN",
    "INDICATOR", "INITIAL", "INNER", "INOUT", "INSENSITIVE", "INSERT", "INT", "INTEGER",
    "INTERSECT", "INTERSECTION", "INTERVAL", "INTO", "IS", "JOIN", "JSON_ARRAY", "JSON_ARRAYAGG",
    "JSON_EXISTS", "JSON_OBJECT", "JSON_OBJECTAGG", "JSON_QUERY", "JSON_VALUE", "LAG", "LANGUAGE",
    "LARGE", "LAST_VALUE", "LATERAL", "LEAD", "LEADING", "LEFT", "LIKE", "LIKE_REGEX", "LIMIT",
    "LN", "LOCAL", "LOCALTIME", "LOCALTIMESTAMP", "LOWER", "MATCH", "MATCHES", "MATCH_NUMBER",
    "MATCH_RECOGNIZE", "MATERIALIZED", "MAX", "MEASURES", "MEMBER", "MERGE", "METHOD", "MIN",
    "MINUS", "MINUTE", "MOD", "MODELS", "MODIFIES", "MODIFY", "MODULE", "MODULES", "MONTH",
    "MULTISET", "NATIONAL", "NATURAL", "NCHAR", "NCLOB", "NEW", "NEXT", "NO", "NONE", "NORMALIZE",
    "NOT", "NTH_VALUE", "NTILE", "NULL", "NULLIF", "NUMERIC", "OCCURRENCES_REGEX", "OCTET_LENGTH",
    "OF", "OFFSET", "OLD", "OMIT", "ON", "ONE", "ONLY", "OPEN", "OR", "ORDER", "OUT", "OUTER",
    "OVER", "OVERLAPS", "OVERLAY", "PARAMETER", "PARTITION", "PATTERN", "PER", "PERCENT",
    "PERCENTILE_CONT", "PERCENTILE_DISC", "PERCENT_RANK", "PERIOD", "PERMUTE", "PORTION",
    "POSITION", "POSITION_REGEX", "POWER", "PRECEDES", "PRECISION", "PREPARE", "PREV", "PRIMARY",
    "PROCEDURE", "PROCEDURES", "QUALIFY", "RANGE", "RANK", "RAW", "READS", "REAL", "RECURSIVE",
    "REF", "REFERENCES", "REFERENCING", "REFRESH", "REFRESH_MODE", "REGR_AVGX", "REGR_AVGY",
    "REGR_COUNT", "REGR_INTERCEPT", "REGR_R2", "REGR_SLOPE", "REGR_SXX", "REGR_SXY", "REGR_SYY",
    "RELEASE", "RENAME", "RESET", "RESULT", "RESUME", "RETURN", "RETURNS", "REVOKE", "RIGHT",
    "RLIKE", "ROLLBACK", "ROLLUP", "ROW", "ROWS", "ROW_NUMBER", "RUNNING", "SAVEPOINT", "SCALA",
    "SCOPE", "SCROLL", "SEARCH", "SECOND", "SELECT", "SENSITIVE", "SESSION_USER", "SET", "SHOW",
    "SIMILAR", "SKIP", "SMALLINT", "SOME", "SPECIFIC", "SPECIFICTYPE", "SQL", "SQLEXCEPTION",
    "SQLSTATE", "SQLWARNING", "SQRT", "START", "STATEMENT", "STATIC", "STDDEV_POP", "STDDEV_SAMP",
    "STREAM", "STRING", "STRUCTURED", "SUBMULTISET", "SUBSET", "SUBSTRING", "SUBSTRING_REGEX",
    "SUCCEEDS", "SUM", "SUSPEND", "SYMMETRIC", "SYSTEM", "SYSTEM_TIME", "SYSTEM_USER", "TABLE",
    "TABLES", "TABLESAMPLE", "THEN", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ", "TIMEZONE_HOUR",
    "TIMEZONE_MINUTE", "TINYINT", "TO", "TRAILING", "TRANSLATE", "TRANSLATE_REGEX", "TRANSLATION",
    "TREAT", "TRIGGER", "TRIM", "TRIM_ARRAY", "TRUE", "TRUNCATE", "TRY_CAST", "UESCAPE", "UNION",
    "UNIQUE", "UNKNOWN", "UNNEST", "UPDATE", "UPPER", "UPSERT", "USE", "USER", "USING", "VALUE",
    "VALUES", "VALUE_OF", "VARBINARY", "VARCHAR", "VARIANT", "VARYING", "VAR_POP", "VAR_SAMP",
    "VERSIONING", "VIEWS", "WATERMARK", "WATERMARKS", "WHEN", "WHENEVER", "WHERE", "WINDOW",
    "WITH", "WITHIN", "WITHOUT", "YEAR",
};

// Non-reserved keywords that statements use; any other word is a plain identifier.
constexpr const char* kNonReserved[] = {
    "A", "ABSENT", "ADD", "AFTER", "ANALYZE", "APPLY", "ASC", "CASCADE", "CATALOG",
    "CHANGELOG_MODE", "COLUMNS", "COMPILE", "COMPUTE", "CONNECTION", "CONSTRAINTS", "DATA",
    "DATABASE", "DAYS", "DESC", "DESCRIPTOR", "DRAIN", "ENFORCED", "ERROR", "ESTIMATED_COST",
    "EXCLUDING", "FINAL", "FIRST", "FOLLOWING", "FORMAT", "GENERATED", "HOP", "HOURS", "IF",
    "IGNORE", "INCLUDING", "INPUT", "JAR", "JARS", "JOB", "JOBS", "JSON", "JSON_EXECUTION_PLAN",
    "KEY", "LAST", "LOAD", "MAP", "METADATA", "MINUTES", "MODEL", "MONTHS", "NAME", "NULLS",
    "OPTIONS", "ORDINALITY", "OUTPUT", "OVERWRITE", "OVERWRITING", "PARTITIONED", "PARTITIONS",
    "PAST", "PLACING", "PLAN", "PLAN_ADVICE", "PRECEDING", "PYTHON", "REMOVE", "REPLACE",
    "RESPECT", "RESTRICT", "RETURNING", "SCALAR", "SECONDS", "SESSION", "SOURCE", "STATISTICS",
    "STOP", "TEMPORARY", "TIMESTAMPADD", "TIMESTAMPDIFF", "TUMBLE", "TYPE", "UNBOUNDED",
    "UNLOAD", "VERSION", "VIEW", "VIRTUAL", "WEEK", "WRAPPER", "YEARS", "ZONE",
};

struct CaseInsensitiveHash {
  size_t operator()(std::string_view s) const {
    size_t h = 1469598103934665603ull;
    for (char c : s) {
      h ^= static_cast<unsigned char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      h *= 1099511628211ull;
    }
    return h;
  }
};
struct CaseInsensitiveEq {
  bool operator()(std::string_view a, std::string_view b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char x = a[i], y = b[i];
      if (x >= 'a' && x <= 'z') x -= 32;
      if (y >= 'a' && y <= 'z') y -= 32;
      if (x != y) return false;
    }
    return true;
  }
};
using WordSet = std::unordered_set<std::string_view, CaseInsensitiveHash, CaseInsensitiveEq>;

const WordSet& Reserved() {
  static const WordSet* set = [] {
    auto* s = new WordSet();
    for (const char* w : kReserved) s->insert(w);
    return s;
  }();
  return *set;
}

const WordSet& NonReserved() {
  static const WordSet* set = [] {
    auto* s = new WordSet();
    for (const char* w : kNonReserved) s->insert(w);
    return s;
  }();
  return *set;
}

}  // namespace

bool IsReservedWord(std::string_view word) {
  if (word.empty() || word.size() > 40) return false;
  return Reserved().count(word) > 0;
}

bool IsKeyword(std::string_view word) {
  return IsReservedWord(word) || NonReserved().count(word) > 0;
}

}  // namespace sluice::sql
