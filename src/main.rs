//! The app bundle: demo store, hosted checkout pages, and `<checkout-widget>`.

fn main() {
    checkout_widget::__private::start();
}
