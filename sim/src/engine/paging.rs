//! Paging state: where a SELECT stopped (partition, clustering key) and how many rows it has
//! returned so far, in an opaque byte form that only this engine reads.

use super::errors::{protocol, ExecResult};

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingState {
    /// The last returned row's partition token.
    pub token: i64,
    /// Its serialized partition key.
    pub partition: Vec<u8>,
    /// Its byte-comparable clustering key; None when it was a partition-level row.
    pub clustering: Option<Vec<u8>>,
    /// Rows returned so far by the query.
    pub returned: u64,
    /// Rows returned so far from that partition.
    pub returned_in_partition: u64,
}

const VERSION: u8 = 1;

impl PagingState {
    /// The opaque bytes sent to the client.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        out.extend_from_slice(&self.token.to_be_bytes());
        out.extend_from_slice(&(self.partition.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.partition);
        match &self.clustering {
            Some(c) => {
                out.push(1);
                out.extend_from_slice(&(c.len() as u32).to_be_bytes());
                out.extend_from_slice(c);
            }
            None => out.push(0),
        }
        out.extend_from_slice(&self.returned.to_be_bytes());
        out.extend_from_slice(&self.returned_in_partition.to_be_bytes());
        out
    }

    /// Reads bytes from a client.
    pub fn decode(b: &[u8]) -> ExecResult<PagingState> {
        let bad = || protocol("Invalid value for the paging state");
        let mut r = b;
        let mut take = |n: usize| -> ExecResult<Vec<u8>> {
            let head = r.get(..n).ok_or_else(bad)?.to_vec();
            r = r.get(n..).ok_or_else(bad)?;
            Ok(head)
        };
        if take(1)?.first() != Some(&VERSION) {
            return Err(bad());
        }
        let token = i64::from_be_bytes(take(8)?.try_into().map_err(|_| bad())?);
        let len = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad())?) as usize;
        let partition = take(len)?;
        let clustering = match take(1)?.first() {
            Some(1) => {
                let len = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad())?) as usize;
                Some(take(len)?)
            }
            Some(0) => None,
            _ => return Err(bad()),
        };
        let returned = u64::from_be_bytes(take(8)?.try_into().map_err(|_| bad())?);
        let returned_in_partition = u64::from_be_bytes(take(8)?.try_into().map_err(|_| bad())?);
        Ok(PagingState {
            token,
            partition,
            clustering,
            returned,
            returned_in_partition,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let s = PagingState {
            token: -5,
            partition: vec![1, 2],
            clustering: Some(vec![3]),
            returned: 10,
            returned_in_partition: 2,
        };
        assert_eq!(PagingState::decode(&s.encode()), Ok(s.clone()));
        let bytes = s.encode();
        for n in 0..bytes.len() {
            assert!(PagingState::decode(&bytes[..n]).is_err());
        }
        assert!(PagingState::decode(&[9, 9, 9]).is_err());
    }
}
