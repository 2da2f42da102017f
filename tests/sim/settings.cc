#include "sim/settings.h"

namespace sluice::sim {

bool Settings::ImagePulls(const std::string& image) const {
  std::lock_guard lock(mu_);
  if (image.empty() || image.find(' ') != std::string::npos || image != [&] {
        std::string lower = image;
        for (auto& c : lower)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // Tags may hold upper case; repository names may not.
        auto colon = image.rfind(':');
        auto slash = image.rfind('/');
        if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
          return lower.substr(0, colon) + image.substr(colon);
        }
        return lower;
      }()) {
    return false;
  }
  if (std::regex_search(image, bad_re_)) return false;
  if (!known_.empty() && !known_.count(image)) return false;
  return true;
}

void Settings::set_bad_image_pattern(const std::string& pattern) {
  std::lock_guard lock(mu_);
  bad_pattern_ = pattern;
  bad_re_ = std::regex(pattern.empty() ? "$^" : pattern);
}

std::string Settings::bad_image_pattern() const {
  std::lock_guard lock(mu_);
  return bad_pattern_;
}

void Settings::AddKnownImage(const std::string& image) {
  std::lock_guard lock(mu_);
  known_.insert(image);
}

void Settings::ClearKnownImages() {
  std::lock_guard lock(mu_);
  known_.clear();
}

std::set<std::string> Settings::known_images() const {
  std::lock_guard lock(mu_);
  return known_;
}

}  // namespace sluice::sim
