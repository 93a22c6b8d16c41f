//! Who gets a 提醒 letter, and why: little recorded activity, an unapproved absence, or
//! no 述职 yet with little of the term left (R6, R8). Thresholds are `lvzhi.toml`'s.

/// One reason for a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Recorded recess activities in the period, below `limit`.
    LowActivity { activities: u32, limit: u32 },
    /// Unapproved absences in the period (congress, standing committee, committee).
    Absent { times: u32 },
    /// No 述职 in the term so far, with fewer than `limit` months of it left.
    NotReported { months_left: u32, limit: u32 },
}

/// A delegate's figures for the period the letters cover.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub activities: u32,
    pub unapproved_absences: u32,
    pub reported_in_term: bool,
    /// Whole months from the letters' date to the end of the term.
    pub months_left: u32,
}

/// The thresholds: fewer activities than `low_activity`, at least `absences` unapproved
/// absences (0 turns the reason off), and no 述职 with fewer than `months_left` months left.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub low_activity: u32,
    pub absences: u32,
    pub months_left: u32,
}

pub fn reasons(f: Figures, l: Limits) -> Vec<Reason> {
    let mut out = Vec::new();
    if f.activities < l.low_activity {
        out.push(Reason::LowActivity {
            activities: f.activities,
            limit: l.low_activity,
        });
    }
    if l.absences > 0 && f.unapproved_absences >= l.absences {
        out.push(Reason::Absent {
            times: f.unapproved_absences,
        });
    }
    if !f.reported_in_term && f.months_left < l.months_left {
        out.push(Reason::NotReported {
            months_left: f.months_left,
            limit: l.months_left,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked example with limits 2 activities, 1 absence, 12 months: a delegate with one
    /// activity, one unapproved absence and no 述职 with 11 months left gets all three
    /// reasons; with 2 activities, no absence and 12 months left, none (the limits are
    /// "fewer than" and "under a year").
    #[test]
    fn reasons_follow_the_configured_limits() {
        let l = Limits {
            low_activity: 2,
            absences: 1,
            months_left: 12,
        };
        let all = reasons(
            Figures {
                activities: 1,
                unapproved_absences: 1,
                reported_in_term: false,
                months_left: 11,
            },
            l,
        );
        assert_eq!(
            all,
            [
                Reason::LowActivity {
                    activities: 1,
                    limit: 2
                },
                Reason::Absent { times: 1 },
                Reason::NotReported {
                    months_left: 11,
                    limit: 12
                },
            ]
        );
        let none = reasons(
            Figures {
                activities: 2,
                unapproved_absences: 0,
                reported_in_term: false,
                months_left: 12,
            },
            l,
        );
        assert!(none.is_empty());
        let off = Limits { absences: 0, ..l };
        let f = Figures {
            activities: 5,
            unapproved_absences: 3,
            reported_in_term: true,
            months_left: 1,
        };
        assert!(reasons(f, off).is_empty());
    }
}
