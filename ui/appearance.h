#pragma once

#include <QString>

class QApplication;
class QSettings;

namespace sse::ui {

// The window's look and language, chosen in the View menu and kept in QSettings.
enum class Theme { System, Light, Dark };

Theme themeFromSetting(const QString &value);
QString themeSetting(Theme theme);
// Debian's Qt 6.4 has no colour-scheme API: Dark is Fusion with a dark palette, Light is Fusion
// with its standard palette, System is the platform's own style and palette.
void applyTheme(QApplication *app, Theme theme);

// "" follows the system locale; otherwise a locale name such as "zh_CN" or "en".
QString languageSetting(QSettings &settings);
void setLanguageSetting(QSettings &settings, const QString &language);
// Installs the translators for the language (ours, compiled in, and Qt's own from the system)
// in place of those a previous call installed; returns the locale name used. Called again
// while the window is open, every widget gets a LanguageChange and retranslates itself.
QString installTranslations(QApplication *app, const QString &language);

} // namespace sse::ui
