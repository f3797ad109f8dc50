/// The build lives outside the checkout (`CARGO_TARGET_DIR`), so the wasm builder cannot find
/// the workspace's `Cargo.lock` by walking up from its output folder, and the runtime wasm would
/// resolve dependency versions of its own. Point it at this workspace, for this build script
/// only (a global setting would misdirect the wasm builds of registry crates).
#[cfg(feature = "std")]
fn point_wasm_builder_at_workspace() {
	let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
	std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
	// The normal and the `upgrade-rehearsal` build share the wasm builder's output file;
	// scripts/build.sh changes this stamp to make both write theirs again (see there).
	println!("cargo:rerun-if-env-changed=DEPIN_WASM_REBUILD_STAMP");
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	point_wasm_builder_at_workspace();
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("DPN", 12)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	point_wasm_builder_at_workspace();
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

#[cfg(not(feature = "std"))]
fn main() {}
