//! The virtual card's ISO 7816-4 file system: MF, DFs (with optional DF name), transparent EFs
//! with size, life-cycle status and compact security conditions; memory accounting.

/// Bytes of card memory a file header takes besides its body.
const HEADER_COST: usize = 32;

/// Life-cycle status byte: operational, activated.
pub const LCS_ACTIVATED: u8 = 0x05;

/// A file node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// File identifier.
    pub fid: u16,
    /// Parent DF (None for the MF).
    pub parent: Option<usize>,
    /// DF or EF.
    pub kind: Kind,
    /// Life-cycle status byte (`8A`).
    pub lcs: u8,
    /// Security condition byte for READ BINARY (`00` always, `FF` never, else after VERIFY).
    pub read: u8,
    /// Security condition byte for UPDATE BINARY.
    pub update: u8,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A dedicated file, with its DF name when it has one.
    Df {
        /// DF name (AID).
        aid: Option<Vec<u8>>,
    },
    /// A transparent EF of fixed size.
    Ef {
        /// Body; its length is the file size.
        data: Vec<u8>,
    },
}

/// Why a file cannot be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateError {
    /// The identifier is already used in that DF.
    Exists,
    /// Card memory is full, or the file is larger than the card allows.
    NoMemory,
}

/// The file tree. Node 0 is the MF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSystem {
    nodes: Vec<Node>,
    memory: usize,
    max_file_size: usize,
}

impl FileSystem {
    /// An empty card with `memory` bytes and a per-file limit.
    pub fn new(memory: usize, max_file_size: usize) -> Self {
        let mf = Node {
            fid: 0x3F00,
            parent: None,
            kind: Kind::Df { aid: None },
            lcs: LCS_ACTIVATED,
            read: 0,
            update: 0,
        };
        FileSystem {
            nodes: vec![mf],
            memory,
            max_file_size,
        }
    }

    /// A node.
    pub fn node(&self, i: usize) -> Option<&Node> {
        self.nodes.get(i)
    }

    /// A node, mutable.
    pub fn node_mut(&mut self, i: usize) -> Option<&mut Node> {
        self.nodes.get_mut(i)
    }

    /// Memory in use.
    pub fn used(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| {
                HEADER_COST
                    + if let Kind::Ef { data } = &n.kind {
                        data.len()
                    } else {
                        0
                    }
            })
            .sum()
    }

    /// True for a DF.
    pub fn is_df(&self, i: usize) -> bool {
        matches!(self.nodes.get(i).map(|n| &n.kind), Some(Kind::Df { .. }))
    }

    /// Child of `df` with `fid`.
    pub fn child(&self, df: usize, fid: u16) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.parent == Some(df) && n.fid == fid)
    }

    /// The DF named `aid`.
    pub fn by_aid(&self, aid: &[u8]) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| matches!(&n.kind, Kind::Df { aid: Some(a) } if a == aid))
    }

    /// Resolves a path of FIDs starting at `from` (a DF).
    pub fn by_path(&self, from: usize, path: &[u16]) -> Option<usize> {
        path.iter().try_fold(from, |at, fid| self.child(at, *fid))
    }

    /// Creates a file under `df`.
    pub fn create(&mut self, df: usize, node: Node) -> Result<usize, CreateError> {
        if self.child(df, node.fid).is_some() || node.fid == 0x3F00 {
            return Err(CreateError::Exists);
        }
        let body = if let Kind::Ef { data } = &node.kind {
            data.len()
        } else {
            0
        };
        if body > self.max_file_size || self.used() + HEADER_COST + body > self.memory {
            return Err(CreateError::NoMemory);
        }
        self.nodes.push(Node {
            parent: Some(df),
            ..node
        });
        Ok(self.nodes.len() - 1)
    }

    /// The path of FIDs from the MF to node `i` (MF excluded).
    pub fn path_of(&self, mut i: usize) -> Vec<u16> {
        let mut out = Vec::new();
        while let Some(n) = self.nodes.get(i) {
            match n.parent {
                Some(p) => {
                    out.push(n.fid);
                    i = p;
                }
                None => break,
            }
        }
        out.reverse();
        out
    }

    /// The body of the EF at `path` (from the MF), for tests and demos.
    pub fn read_path(&self, path: &[u16]) -> Option<&[u8]> {
        match &self.nodes.get(self.by_path(0, path)?)?.kind {
            Kind::Ef { data } => Some(data),
            Kind::Df { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ef(fid: u16, size: usize) -> Node {
        Node {
            fid,
            parent: None,
            kind: Kind::Ef {
                data: vec![0; size],
            },
            lcs: LCS_ACTIVATED,
            read: 0,
            update: 0,
        }
    }

    #[test]
    fn create_and_find() {
        let mut fs = FileSystem::new(4096, 2048);
        let df = fs
            .create(
                0,
                Node {
                    fid: 0x5000,
                    parent: None,
                    kind: Kind::Df {
                        aid: Some(vec![1, 2, 3, 4, 5]),
                    },
                    lcs: 5,
                    read: 0,
                    update: 0,
                },
            )
            .unwrap();
        let e = fs.create(df, ef(0x5001, 100)).unwrap();
        assert_eq!(fs.by_aid(&[1, 2, 3, 4, 5]), Some(df));
        assert_eq!(fs.by_path(0, &[0x5000, 0x5001]), Some(e));
        assert_eq!(fs.path_of(e), vec![0x5000, 0x5001]);
        assert_eq!(fs.create(df, ef(0x5001, 1)), Err(CreateError::Exists));
        assert_eq!(fs.create(df, ef(0x5002, 4000)), Err(CreateError::NoMemory));
        assert_eq!(fs.create(df, ef(0x5003, 2000)).map(|_| ()), Ok(()));
        assert_eq!(fs.create(df, ef(0x5004, 2000)), Err(CreateError::NoMemory));
        assert_eq!(fs.read_path(&[0x5000, 0x5001]).map(<[u8]>::len), Some(100));
    }
}
