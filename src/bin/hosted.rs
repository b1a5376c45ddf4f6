//! The hosted checkout bundle that `checkout-hosted.js` loads on
//! `/checkout/{id}` and `/add-payment-method/{id}`: only the hosted pages, so
//! the demo store and the billing-panel components never reach its wasm.

fn main() {
    checkout_widget::__private::start_hosted();
}
