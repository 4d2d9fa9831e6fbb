#include "appearance.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPalette>
#include <QPointer>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <QTranslator>

namespace sse::ui {

namespace {

QPalette darkPalette()
{
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    const QColor disabledText(0x7f, 0x84, 0x8e);
    const QColor highlight(0x35, 0x74, 0xf0);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabledText);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::red);
    palette.setColor(QPalette::Link, QColor(0x54, 0x8a, 0xf7));
    palette.setColor(QPalette::LinkVisited, QColor(0x9a, 0x7e, 0xe8));
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Light, window.lighter(150));
    palette.setColor(QPalette::Midlight, window.lighter(125));
    palette.setColor(QPalette::Mid, window.darker(125));
    palette.setColor(QPalette::Dark, window.darker(150));
    palette.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, window.lighter(130));
    return palette;
}

// Fusion draws the ring of a radio button and the box of a check box in the window colour made
// darker, which on a dark palette is the colour of the field they sit on: an unchecked one
// disappears. Drawn with a lighter window colour, the ring shows.
class DarkFusionStyle : public QProxyStyle
{
public:
    DarkFusionStyle()
        : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion")))
    {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget) const override
    {
        if (element != PE_IndicatorRadioButton && element != PE_IndicatorCheckBox) {
            QProxyStyle::drawPrimitive(element, option, painter, widget);
            return;
        }
        QStyleOption lighter(*option);
        lighter.palette.setColor(QPalette::Window, QColor(0x8f, 0x93, 0x9a));
        QProxyStyle::drawPrimitive(element, &lighter, painter, widget);
    }
};

// The style the platform chose before any theme was applied, to go back to for System.
QString &systemStyleName()
{
    static QString name;
    return name;
}

} // namespace

Theme themeFromSetting(const QString &value)
{
    if (value == QLatin1String("dark"))
        return Theme::Dark;
    if (value == QLatin1String("light"))
        return Theme::Light;
    return Theme::System;
}

QString themeSetting(Theme theme)
{
    switch (theme) {
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

void applyTheme(QApplication *app, Theme theme)
{
    if (systemStyleName().isEmpty())
        systemStyleName() = app->style()->name();
    if (theme == Theme::System) {
        app->setStyle(QStyleFactory::create(systemStyleName()));
        app->setPalette(app->style()->standardPalette());
        return;
    }
    if (theme == Theme::Dark) {
        app->setStyle(new DarkFusionStyle); // the application owns it
        app->setPalette(darkPalette());
        return;
    }
    app->setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    app->setPalette(app->style()->standardPalette());
}

QString languageSetting(QSettings &settings)
{
    return settings.value(QStringLiteral("ui/language")).toString();
}

void setLanguageSetting(QSettings &settings, const QString &language)
{
    if (language.isEmpty())
        settings.remove(QStringLiteral("ui/language"));
    else
        settings.setValue(QStringLiteral("ui/language"), language);
}

QString installTranslations(QApplication *app, const QString &language)
{
    // The translators installed last time: a new language replaces them rather than stacking
    // on top (the first translator installed that has a string wins).
    static QList<QPointer<QTranslator>> installed;
    for (const QPointer<QTranslator> &translator : std::as_const(installed)) {
        if (translator) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }
    installed.clear();

    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);
    // Ours first (compiled in from translations/), then Qt's own for its dialogs and buttons.
    const std::pair<QString, QString> catalogues[] = {
        {QStringLiteral("sse-dashboard"), QStringLiteral(":/i18n")},
        {QStringLiteral("qtbase"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)}};
    for (const auto &[name, directory] : catalogues) {
        auto *translator = new QTranslator(app);
        if (translator->load(locale, name, QStringLiteral("_"), directory)) {
            QCoreApplication::installTranslator(translator);
            installed.append(translator);
        } else {
            delete translator;
        }
    }
    return locale.name();
}

} // namespace sse::ui
