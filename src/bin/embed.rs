//! The script-tag bundle that `checkout-widget.js` loads: registers the custom
//! elements; the JS API is exported by the `embed` feature.

// The embed allocates little and briefly; a free-list allocator made for wasm
// is a fraction of the default allocator's size. The page runs one thread.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without atomics has a single thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

fn main() {
    if checkout_widget::__private::embed::register().is_err() {
        web_sys::console::error_1(
            &"checkout-widget: could not register the custom elements".into(),
        );
    }
}
