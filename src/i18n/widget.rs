//! The widget's own words — price cards, buttons, the pricing table's switch,
//! the overlay and transport errors — shared by the script-tag embed and the
//! Leptos components. Kept to what the embed shows: every byte ships in it;
//! a Leptos app links only the messages its components name.

use super::catalog;

catalog! {
    /// A message of the widget (price cards, buttons, errors).
    pub struct Msg in "widget" {
        LoadingPrice => ["Loading price", "Preis wird geladen", "Chargement du prix", "Cargando el precio", "価格を読み込み中", "جارٍ تحميل السعر"],
        Daily => ["Daily", "Täglich", "Quotidien", "Diario", "日払い", "يومي"],
        Weekly => ["Weekly", "Wöchentlich", "Hebdomadaire", "Semanal", "週払い", "أسبوعي"],
        Monthly => ["Monthly", "Monatlich", "Mensuel", "Mensual", "月払い", "شهري"],
        Yearly => ["Yearly", "Jährlich", "Annuel", "Anual", "年払い", "سنوي"],
        PerDay => ["per day", "pro Tag", "par jour", "al día", "毎日", "يوميًا"],
        PerWeek => ["per week", "pro Woche", "par semaine", "a la semana", "毎週", "أسبوعيًا"],
        PerMonth => ["per month", "pro Monat", "par mois", "al mes", "毎月", "شهريًا"],
        PerYear => ["per year", "pro Jahr", "par an", "al año", "毎年", "سنويًا"],
        EveryDays => ["one=every {0} day|other=every {0} days", "alle {0} Tage", "tous les {0} jours", "cada {0} días", "{0}日ごと",
            "one=كل يوم|two=كل يومين|few=كل {0} أيام|many=كل {0} يومًا|other=كل {0} يوم"],
        EveryWeeks => ["one=every {0} week|other=every {0} weeks", "alle {0} Wochen", "toutes les {0} semaines", "cada {0} semanas", "{0}週間ごと",
            "one=كل أسبوع|two=كل أسبوعين|few=كل {0} أسابيع|many=كل {0} أسبوعًا|other=كل {0} أسبوع"],
        EveryMonths => ["one=every {0} month|other=every {0} months", "alle {0} Monate", "tous les {0} mois", "cada {0} meses", "{0}か月ごと",
            "one=كل شهر|two=كل شهرين|few=كل {0} أشهر|many=كل {0} شهرًا|other=كل {0} شهر"],
        EveryYears => ["one=every {0} year|other=every {0} years", "alle {0} Jahre", "tous les {0} ans", "cada {0} años", "{0}年ごと",
            "one=كل سنة|two=كل سنتين|few=كل {0} سنوات|many=كل {0} سنة|other=كل {0} سنة"],
        TrialPhrase => ["{0}-day free trial", "one={0} Tag gratis testen|other={0} Tage gratis testen",
            "one=Essai gratuit de {0} jour|other=Essai gratuit de {0} jours",
            "one=Prueba gratuita de {0} día|other=Prueba gratuita de {0} días", "{0}日間の無料トライアル",
            "one=تجربة مجانية ليوم واحد|two=تجربة مجانية ليومين|few=تجربة مجانية لمدة {0} أيام|many=تجربة مجانية لمدة {0} يومًا|other=تجربة مجانية لمدة {0} يوم"],
        StartTrial => ["Start {0}-day free trial", "one={0} Tag kostenlos testen|other={0} Tage kostenlos testen",
            "one=Commencer l’essai gratuit de {0} jour|other=Commencer l’essai gratuit de {0} jours",
            "one=Empezar la prueba gratuita de {0} día|other=Empezar la prueba gratuita de {0} días", "{0}日間の無料トライアルを開始",
            "one=ابدأ تجربة مجانية ليوم واحد|two=ابدأ تجربة مجانية ليومين|few=ابدأ تجربة مجانية لمدة {0} أيام|many=ابدأ تجربة مجانية لمدة {0} يومًا|other=ابدأ تجربة مجانية لمدة {0} يوم"],
        Subscribe => ["Subscribe", "Abonnieren", "S’abonner", "Suscribirse", "申し込む", "اشترك"],
        BuyNow => ["Buy now", "Jetzt kaufen", "Acheter", "Comprar ahora", "今すぐ購入", "اشترِ الآن"],
        Quantity => ["Quantity ({0})", "Menge ({0})", "Quantité ({0})", "Cantidad ({0})", "数量（{0}）", "الكمية ({0})"],
        Units => ["units", "Einheiten", "unités", "unidades", "個", "وحدات"],
        Total => ["Total {0}", "Gesamt {0}", "Total {0}", "Total {0}", "合計 {0}", "الإجمالي {0}"],
        Redirecting => ["Redirecting…", "Weiterleitung…", "Redirection…", "Redirigiendo…", "移動しています…", "جارٍ التحويل…"],
        BillingInterval => ["Billing interval", "Abrechnungszeitraum", "Périodicité de facturation", "Periodo de facturación", "請求間隔", "فترة الفوترة"],
        AddPaymentMethod => ["Add payment method", "Zahlungsmethode hinzufügen", "Ajouter un moyen de paiement", "Añadir método de pago", "お支払い方法を追加", "إضافة طريقة دفع"],
        Checkout => ["Checkout", "Bezahlvorgang", "Paiement", "Pago", "チェックアウト", "الدفع"],
        CloseCheckout => ["Close checkout", "Bezahlvorgang schließen", "Fermer le paiement", "Cerrar el pago", "チェックアウトを閉じる", "إغلاق نافذة الدفع"],
        PaymentInProgress => ["Payment in progress; the checkout cannot be closed until it finishes.",
            "Zahlung läuft; der Bezahlvorgang kann erst danach geschlossen werden.",
            "Paiement en cours ; le paiement ne peut pas être fermé avant la fin.",
            "Pago en curso; no se puede cerrar hasta que termine.",
            "お支払いを処理中です。完了するまでチェックアウトを閉じることはできません。",
            "الدفع قيد المعالجة؛ لا يمكن إغلاق نافذة الدفع حتى ينتهي."],
        ButtonFor => ["{0}: {1}", "{0}: {1}", "{0} : {1}", "{0}: {1}", "{0}：{1}", "{0}: {1}"],
        PriceUnavailable => ["The price \u{201c}{0}\u{201d} is not available.", "Der Preis \u{201e}{0}\u{201c} ist nicht verfügbar.",
            "Le prix « {0} » n’est pas disponible.", "El precio «{0}» no está disponible.", "価格「{0}」は利用できません。", "السعر «{0}» غير متاح."],
        InvalidQuantity => ["Quantity must be a whole number from 1 to 1,000,000.", "Die Menge muss eine ganze Zahl von 1 bis 1.000.000 sein.",
            "La quantité doit être un nombre entier de 1 à 1 000 000.", "La cantidad debe ser un número entero del 1 al 1.000.000.",
            "数量は1から1,000,000までの整数で入力してください。", "يجب أن تكون الكمية عددًا صحيحًا من 1 إلى 1,000,000."],
        NetworkError => ["Could not reach the billing server. Check your connection and try again.",
            "Der Abrechnungsserver ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
            "Impossible de joindre le serveur de facturation. Vérifiez votre connexion et réessayez.",
            "No se pudo conectar con el servidor de facturación. Comprueba tu conexión e inténtalo de nuevo.",
            "請求サーバーに接続できませんでした。接続を確認して、もう一度お試しください。",
            "تعذّر الوصول إلى خادم الفوترة. تحقّق من اتصالك وحاول مرة أخرى."],
        TryAgain => ["Try again", "Erneut versuchen", "Réessayer", "Reintentar", "再試行", "حاول مرة أخرى"],
        ServerTrouble => ["The billing server could not answer. Please try again.",
            "Der Abrechnungsserver konnte nicht antworten. Bitte versuchen Sie es erneut.",
            "Le serveur de facturation n’a pas pu répondre. Veuillez réessayer.",
            "El servidor de facturación no pudo responder. Inténtalo de nuevo.",
            "請求サーバーが応答できませんでした。もう一度お試しください。",
            "تعذّر على خادم الفوترة الرد. يُرجى المحاولة مرة أخرى."],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(feature = "catalogs-on-demand"))]
    use crate::i18n::{plural_form, Lang, Message};

    #[test]
    fn every_translation_keeps_the_placeholders() {
        crate::i18n::check_catalog(Msg::ALL);
        assert!(Msg::lines_match());
    }

    #[test]
    #[cfg(not(feature = "catalogs-on-demand"))]
    fn arabic_intervals_follow_its_plural_categories() {
        let months = Msg::EveryMonths.text(Lang::Ar);
        assert_eq!(plural_form(months, "few"), "كل {0} أشهر");
        assert_eq!(plural_form(months, "many"), "كل {0} شهرًا");
        assert_eq!(
            plural_form(Msg::EveryMonths.text(Lang::De), "one"),
            "alle {0} Monate"
        );
        assert_eq!(Msg::Subscribe.text(Lang::Ja), "申し込む");
    }
}
