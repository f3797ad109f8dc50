//! The fuzz input as a stream of choices. Reading past the end yields zeros, so every byte string
//! is a valid program and the fuzzer's mutations (truncation included) never waste an execution.

use depin_runtime::{currency::*, Balance};

/// What every fuzz account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * DPN;

pub struct Input<'a> {
	data: &'a [u8],
}

impl<'a> Input<'a> {
	pub fn new(data: &'a [u8]) -> Self {
		Self { data }
	}

	pub fn is_empty(&self) -> bool {
		self.data.is_empty()
	}

	pub fn u8(&mut self) -> u8 {
		match self.data.split_first() {
			Some((byte, rest)) => {
				self.data = rest;
				*byte
			},
			None => 0,
		}
	}

	pub fn u16(&mut self) -> u16 {
		u16::from_le_bytes([self.u8(), self.u8()])
	}

	pub fn u32(&mut self) -> u32 {
		u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
	}

	pub fn bool(&mut self) -> bool {
		self.u8() & 1 == 1
	}

	/// Up to `max` bytes, length first.
	pub fn bytes(&mut self, max: usize) -> &'a [u8] {
		let len = (self.u16() as usize).min(max).min(self.data.len());
		let (taken, rest) = self.data.split_at(len);
		self.data = rest;
		taken
	}

	/// An amount: mostly the values rules are written around (zero, one, the existential
	/// deposit, the bonds, everything, `u128::MAX`), otherwise a number of DPN or of planck.
	pub fn amount(&mut self) -> Balance {
		match self.u8() % 12 {
			0 => 0,
			1 => 1,
			2 => EXISTENTIAL_DEPOSIT,
			3 => EXISTENTIAL_DEPOSIT - 1,
			4 => 100 * DPN,
			5 => 1_000 * DPN,
			6 => 10_000 * DPN,
			7 => ENDOWMENT,
			8 => Balance::MAX,
			9 => Balance::from(self.u32()),
			10 => Balance::from(self.u16()) * MILLI_DPN,
			_ => Balance::from(self.u16()) * DPN,
		}
	}
}

/// Writes programs the decoder reads back: the seed corpus is written with it.
#[derive(Default)]
pub struct Program {
	pub bytes: Vec<u8>,
}

impl Program {
	pub fn u8(mut self, byte: u8) -> Self {
		self.bytes.push(byte);
		self
	}

	pub fn u16(mut self, value: u16) -> Self {
		self.bytes.extend_from_slice(&value.to_le_bytes());
		self
	}

	pub fn u32(mut self, value: u32) -> Self {
		self.bytes.extend_from_slice(&value.to_le_bytes());
		self
	}

	/// An amount of `dpn` whole DPN (selector 11).
	pub fn dpn(self, dpn: u16) -> Self {
		self.u8(11).u16(dpn)
	}
}
