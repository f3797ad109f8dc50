//! What the pallets share about moving funds.

use sp_runtime::{DispatchError, TokenError};

/// A hold that failed for want of free funds becomes `insufficient`, the calling pallet's own
/// typed error; any other failure passes through unchanged.
pub fn map_hold_shortfall(error: DispatchError, insufficient: impl Into<DispatchError>) -> DispatchError {
	match error {
		DispatchError::Token(TokenError::FundsUnavailable | TokenError::NotExpendable | TokenError::BelowMinimum) =>
			insufficient.into(),
		other => other,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_shortfalls_are_mapped() {
		let mine = DispatchError::Other("insufficient");
		for shortfall in [TokenError::FundsUnavailable, TokenError::NotExpendable, TokenError::BelowMinimum] {
			assert_eq!(map_hold_shortfall(shortfall.into(), mine), mine);
		}
		assert_eq!(map_hold_shortfall(TokenError::Frozen.into(), mine), TokenError::Frozen.into());
		assert_eq!(map_hold_shortfall(DispatchError::BadOrigin, mine), DispatchError::BadOrigin);
	}
}
